"""Server-sent events: the visitor's stream carries agent replies, resumes from Last-Event-ID, and works
under WSGI (a plain generator) and ASGI (an async generator polling through sync_to_async)."""

import json
import threading
import time

import pytest
from asgiref.sync import async_to_sync
from django.db import connections
from django.test import AsyncClient

from unstuck.conversations import services as conversation_services
from unstuck.conversations.models import Conversation
from unstuck.widget import selectors, stream

from .factories import agent_reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _short_streams(settings):
    settings.WIDGET_STREAM_SECONDS = 0.6
    settings.WIDGET_STREAM_POLL_SECONDS = 0.05


def events(body: str) -> list[dict]:
    """The `reply` events of an SSE body, with their ids."""
    found = []
    for block in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if fields.get("event") == "reply":
            found.append({"id": int(fields["id"]), **json.loads(fields["data"])})
    return found


def read(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_the_stream_yields_an_agent_reply_but_not_notes_or_the_visitors_own_messages(visitor, agent):
    sent = visitor.say("Is the API down?")
    conversation = Conversation.objects.get(pk=sent["conversation_id"])
    reply = agent_reply(conversation, "Looking into it right now.", agent)
    conversation_services.add_note(conversation, text="Check status page", actor=agent)

    response = visitor.stream(last_id=sent["message"]["id"])
    body = read(response)

    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert body.startswith("retry: 1000\n\n")
    assert events(body) == [
        {"id": reply.pk, **selectors.message_payload(reply)},
    ]


def test_a_reconnect_with_last_event_id_does_not_repeat_replies(visitor, agent):
    conversation = Conversation.objects.get(pk=visitor.say("Hello")["conversation_id"])
    first = agent_reply(conversation, "Hi, I'm Maya.", agent)
    second = agent_reply(conversation, "How can I help?", agent)

    body = read(visitor.stream(last_id=0, HTTP_LAST_EVENT_ID=str(first.pk)))

    assert [e["id"] for e in events(body)] == [second.pk]


def test_the_stream_sends_keep_alive_comments(visitor, settings):
    settings.WIDGET_STREAM_HEARTBEAT_SECONDS = 0.1
    visitor.say("Hello")

    assert ": keep-alive\n\n" in read(visitor.stream())


def test_the_stream_needs_a_valid_token(visitor):
    visitor.token = "nonsense"
    response = visitor.stream()
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_visitor_token"


def test_a_reply_sent_while_streaming_arrives_within_one_poll(visitor, agent, settings):
    """The live case: the stream is open when the agent replies (here from another thread)."""
    settings.WIDGET_STREAM_SECONDS = 2.0
    conversation = Conversation.objects.get(pk=visitor.say("Hello?")["conversation_id"])
    key = selectors.visitor_key_from_token(visitor.token)
    sent_at: list[float] = []

    def agent_replies():
        time.sleep(0.3)
        sent_at.append(time.monotonic())
        agent_reply(conversation, "Yes, I'm here.", agent)

    # The test database lives in one connection; the reply thread must share it.
    shared = connections["default"]
    shared.inc_thread_sharing()
    replier = threading.Thread(target=_with_connection(shared, agent_replies))
    replier.start()
    for chunk in stream.sync_frames(key, last_id=0):
        if "event: reply" in chunk:
            latency = time.monotonic() - sent_at[0]
            break
    replier.join()
    shared.dec_thread_sharing()

    assert "Yes, I'm here." in chunk
    assert latency < 1.0


def _with_connection(conn, target):
    def run():
        connections["default"] = conn
        target()

    return run


@pytest.mark.django_db(transaction=True)
def test_under_asgi_the_stream_is_an_async_generator_that_yields_the_reply(visitor, agent):
    conversation = Conversation.objects.get(pk=visitor.say("Hello from ASGI")["conversation_id"])
    reply = agent_reply(conversation, "Hello back.", agent)

    async def fetch():
        client = AsyncClient(HTTP_ORIGIN="https://shop.example")
        response = await client.get(f"/api/v1/widget/stream?token={visitor.token}")
        assert response.is_async
        return response["Access-Control-Allow-Origin"], b"".join([c async for c in response.streaming_content])

    allow_origin, body = async_to_sync(fetch)()

    assert allow_origin == "*"
    assert [e["text"] for e in events(body.decode())] == [reply.text]
