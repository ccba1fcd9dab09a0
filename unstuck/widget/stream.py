"""Server-sent events: the visitor's new replies, pushed within a poll interval (~250 ms).

One stream per open widget. It polls the database rather than listening on a message bus, so it needs
nothing beyond Django and works on SQLite; each poll is one indexed query. Under ASGI (uvicorn) the
generator is async and only borrows a thread for each query; under WSGI (the test live server, or a
threaded WSGI server) it is a plain generator that holds its thread. Streams end after
WIDGET_STREAM_SECONDS and the browser's EventSource reconnects with Last-Event-ID, so no reply is lost.
"""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections
from django.http import HttpRequest, StreamingHttpResponse

from . import conf, selectors

# How often a stream re-reads which conversation it follows (a new chat, a follow-up, a merge).
RESOLVE_EVERY_SECONDS = 5.0


class ReplyPoller:
    """One stream's reads: the visitor's conversation (re-resolved now and then) and new replies in it."""

    def __init__(self, key: uuid.UUID) -> None:
        self.key = key
        self.conversation_id: int | None = None
        self.resolved_at = -RESOLVE_EVERY_SECONDS

    def __call__(self, last_id: int) -> list[dict[str, Any]]:
        now = time.monotonic()
        if self.conversation_id is None or now - self.resolved_at >= RESOLVE_EVERY_SECONDS:
            self.conversation_id = selectors.current_conversation_id(self.key)
            self.resolved_at = now
        if self.conversation_id is None:
            return []
        return selectors.list_replies_after(self.conversation_id, last_id)


def frame(payload: dict[str, Any]) -> str:
    return f"id: {payload['id']}\nevent: reply\ndata: {json.dumps(payload)}\n\n"


def _timing() -> tuple[float, float, float]:
    return (
        conf.get_float("WIDGET_STREAM_POLL_SECONDS"),
        conf.get_float("WIDGET_STREAM_HEARTBEAT_SECONDS"),
        conf.get_float("WIDGET_STREAM_SECONDS"),
    )


def sync_frames(key: uuid.UUID, last_id: int) -> Iterator[str]:
    poll_every, heartbeat, lifetime = _timing()
    poll = ReplyPoller(key)
    yield "retry: 1000\n\n"
    started = beat = time.monotonic()
    while time.monotonic() - started < lifetime:
        for payload in poll(last_id):
            last_id = payload["id"]
            yield frame(payload)
        if time.monotonic() - beat >= heartbeat:
            beat = time.monotonic()
            yield ": keep-alive\n\n"
        time.sleep(poll_every)


async def async_frames(key: uuid.UUID, last_id: int) -> AsyncIterator[str]:
    poll_every, heartbeat, lifetime = _timing()
    poll = ReplyPoller(key)
    yield "retry: 1000\n\n"
    started = beat = time.monotonic()
    try:
        while time.monotonic() - started < lifetime:
            for payload in await sync_to_async(poll)(last_id):
                last_id = payload["id"]
                yield frame(payload)
            if time.monotonic() - beat >= heartbeat:
                beat = time.monotonic()
                yield ": keep-alive\n\n"
            await asyncio.sleep(poll_every)
    finally:
        # The polls ran in this request's worker thread; give its connection back.
        await sync_to_async(close_old_connections)()


def last_event_id(request: HttpRequest) -> int:
    """Where to resume: the browser's Last-Event-ID on reconnect, else the newest message the widget shows."""
    candidates = [request.headers.get("Last-Event-ID", ""), request.GET.get("last_id", "")]
    return max((int(c) for c in candidates if c.strip().isdigit()), default=0)


def stream_response(request: HttpRequest, key: uuid.UUID) -> StreamingHttpResponse:
    last_id = last_event_id(request)
    body: Iterator[str] | AsyncIterator[str]
    body = async_frames(key, last_id) if isinstance(request, ASGIRequest) else sync_frames(key, last_id)
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response
