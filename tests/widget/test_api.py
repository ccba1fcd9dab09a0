"""The widget's public API as embed.js uses it: tokens, posting, CORS, limits, email capture."""

import pytest
from django.core import signing

from tests.customers.factories import customer_with_email
from unstuck.conversations import services as conversation_services
from unstuck.conversations.models import Channel, Conversation, Event, MessageKind
from unstuck.customers.models import Customer, Identity
from unstuck.widget import selectors

from .conftest import WidgetClient
from .factories import agent_reply, mark_online

pytestmark = pytest.mark.django_db


def visitor_identity(client: WidgetClient) -> str:
    return f"visitor:{selectors.visitor_key_from_token(client.token)}"


def test_a_new_visitor_gets_a_signed_token_and_nothing_is_stored_until_they_write():
    client = WidgetClient()
    response = client.start()

    assert response.status_code == 200
    assert selectors.visitor_key_from_token(response.json()["token"])  # signed by this desk
    assert response.json()["conversation_id"] is None
    assert Customer.objects.count() == 0


def test_a_returning_visitor_resumes_their_chat_with_the_agents_replies_but_not_notes(visitor, agent):
    sent = visitor.say("Where is my order?")
    conversation = Conversation.objects.get(pk=sent["conversation_id"])
    agent_reply(conversation, "It ships today.", agent)
    conversation_services.add_note(conversation, text="Customer seems anxious", actor=agent)

    again = WidgetClient()
    data = again.start(token=visitor.token).json()

    assert data["token"] == visitor.token
    assert data["conversation_id"] == conversation.pk
    assert [(m["from"], m["text"]) for m in data["messages"]] == [
        ("visitor", "Where is my order?"),
        ("agent", "It ships today."),
    ]
    assert data["messages"][1]["author"] == "Maya"


def test_a_forged_token_is_replaced_on_session_and_refused_on_posting():
    forged = signing.dumps({"v": "00000000-0000-0000-0000-000000000000"}, salt="another-salt")
    client = WidgetClient()
    assert client.start(token=forged).json()["token"] != forged

    client.token = forged
    response = client.post("/messages", {"text": "hi"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_visitor_token"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_messages_are_filed_as_one_chat_conversation_for_one_visitor_customer(visitor):
    first = visitor.say("Hello, anyone there?")
    second = visitor.say("My invoice shows the wrong VAT number.")

    assert first["conversation_id"] == second["conversation_id"]
    conversation = Conversation.objects.get(pk=first["conversation_id"])
    assert conversation.channel == Channel.CHAT
    assert conversation.messages.filter(kind=MessageKind.INBOUND).count() == 2
    identity = Identity.objects.get(kind="external_id", value=visitor_identity(visitor))
    assert identity.customer == conversation.customer


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "invalid_request"),
        ({"text": ""}, 422, "invalid_request"),
        ({"text": "x" * 5001}, 422, "invalid_request"),
        ({"text": "   "}, 400, "empty_message"),
    ],
)
def test_invalid_messages_get_4xx_json_errors(visitor, body, status, code):
    response = visitor.post("/messages", body)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response["Access-Control-Allow-Origin"] == "*"
    assert Conversation.objects.count() == 0


def test_preflight_allows_the_token_header_from_any_site(visitor):
    response = visitor.client.options(
        "/api/v1/widget/messages",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-visitor-token",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "X-Visitor-Token" in response["Access-Control-Allow-Headers"]


def test_cors_can_be_limited_to_listed_sites(settings):
    settings.WIDGET_ALLOWED_ORIGINS = ["https://shop.example"]
    allowed = WidgetClient(origin="https://shop.example").start()
    other = WidgetClient(origin="https://evil.example").start()

    assert allowed["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "Access-Control-Allow-Origin" not in other


def test_widget_endpoints_need_no_csrf_token_or_agent_login(visitor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/api/v1/widget/messages",
        data='{"text": "hello"}',
        content_type="application/json",
        HTTP_X_VISITOR_TOKEN=visitor.token,
    )
    assert response.status_code == 200


def test_posting_is_rate_limited_per_visitor(visitor, settings):
    settings.WIDGET_MESSAGES_PER_MINUTE = 3
    for n in range(3):
        visitor.say(f"message {n}")

    response = visitor.post("/messages", {"text": "one too many"})

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert "Slow down" in response.json()["detail"]
    assert Conversation.objects.get().messages.count() == 3


def test_posting_is_rate_limited_per_ip_across_visitors(settings, db):
    settings.WIDGET_MESSAGES_PER_IP_MINUTE = 2
    visitors = [WidgetClient() for _ in range(3)]
    for v in visitors:
        v.start()
    visitors[0].say("one")
    visitors[1].say("two")

    assert visitors[2].post("/messages", {"text": "three"}).status_code == 429


def test_with_an_agent_online_the_header_says_who_and_no_email_is_asked(visitor, agent):
    mark_online(agent)
    data = visitor.say("Hi!")

    assert data["availability"]["online"] is True
    assert data["availability"]["agents"] == ["Maya"]
    assert data["availability"]["headline"].startswith("We usually reply in")
    assert data["ask_email"] is False


def test_an_unavailable_agent_does_not_count_as_online(visitor, agent):
    mark_online(agent)
    agent.is_available = False
    agent.save()

    data = visitor.say("Hi!")

    assert data["availability"]["online"] is False
    assert data["availability"]["headline"] == "We usually reply within 4 business hours"
    assert data["availability"]["reply_by"]
    assert data["ask_email"] is True


def test_offline_email_capture_adds_the_address_and_replies_go_by_mail(
    visitor, agent, mailoutbox, django_capture_on_commit_callbacks
):
    conversation_id = visitor.say("Can I change my plan?")["conversation_id"]

    response = visitor.post("/email", {"email": "Kim@Example.com"})

    assert response.status_code == 200
    assert response.json()["email"] == "kim@example.com"
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.channel == Channel.EMAIL
    assert set(conversation.customer.identities.values_list("kind", "value")) == {
        ("external_id", visitor_identity(visitor)),
        ("email", "kim@example.com"),
    }
    assert Event.objects.filter(conversation=conversation, kind="channel.changed").exists()

    with django_capture_on_commit_callbacks(execute=True):
        agent_reply(conversation, "Yes, under Billing → Plan.", agent)
    assert [m.to for m in mailoutbox] == [["kim@example.com"]]
    # Still shown in the widget, should the visitor still be there.
    assert visitor.start(token=visitor.token).json()["messages"][-1]["text"] == "Yes, under Billing → Plan."


def test_offline_email_capture_merges_into_the_customer_who_has_that_email(visitor):
    known = customer_with_email("kim@example.com", name="Kim Lee")
    conversation_id = visitor.say("Can I change my plan?")["conversation_id"]
    visitor_customer = Conversation.objects.get(pk=conversation_id).customer

    visitor.post("/email", {"email": "kim@example.com"})

    assert Conversation.objects.get(pk=conversation_id).customer == known
    assert not Customer.objects.filter(pk=visitor_customer.pk).exists()
    assert Identity.objects.get(value=visitor_identity(visitor)).customer == known
    merge = Event.objects.get(kind="customer.merged")
    assert merge.actor is None and merge.customer == known
    assert merge.after["conversations"] == [conversation_id]
    # The visitor's next message still lands on the same person.
    assert visitor.start(token=visitor.token).json()["conversation_id"] == conversation_id


def test_email_capture_needs_a_conversation_and_a_valid_address(visitor):
    assert visitor.post("/email", {"email": "kim@example.com"}).json()["code"] == "no_conversation"
    visitor.say("Hello")
    response = visitor.post("/email", {"email": "not an address"})
    assert response.status_code == 422
    assert "email" in response.json()["detail"]


def test_a_new_chat_starts_a_new_conversation_for_the_same_customer(visitor):
    first = visitor.say("First question")["conversation_id"]
    assert visitor.post("/new-chat").status_code == 204
    second = visitor.say("Another question")["conversation_id"]

    assert first != second
    assert Conversation.objects.get(pk=first).customer == Conversation.objects.get(pk=second).customer


def test_writing_after_the_chat_was_closed_starts_a_follow_up_the_widget_then_shows(visitor, agent):
    first = Conversation.objects.get(pk=visitor.say("Question")["conversation_id"])
    conversation_services.change_status(first, status="closed", actor=agent)

    follow_up = visitor.say("One more thing")["conversation_id"]

    assert follow_up != first.pk
    assert visitor.start(token=visitor.token).json()["conversation_id"] == follow_up


def test_suggestions_while_typing_come_from_the_help_center_with_cors(visitor):
    from tests.helpcenter.factories import article

    refunds = article(title="Refunds and how long they take")
    article(title="Exporting reports", body="Use Export on the reports page.", category_name="Reports")
    assert visitor.start(token=visitor.token).json()["suggest_url"] == "/api/v1/widget/suggest"

    response = visitor.client.get("/api/v1/widget/suggest", {"q": "when will my refund arrive"})

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert [s["title"] for s in response.json()] == [refunds.title]
    assert response.json()[0]["url"].endswith(refunds.public_path)
    assert visitor.client.get("/api/v1/widget/suggest", {"q": "re"}).json() == []


def test_the_online_headline_uses_the_measured_typical_chat_reply(visitor, agent):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    start = timezone.now() - timedelta(days=1)
    for n, minutes in enumerate([2, 3, 3, 4, 9]):
        with time_machine.travel(start + timedelta(hours=n), tick=False):
            chat = WidgetClient()
            chat.start()
            conversation = Conversation.objects.get(pk=chat.say("Hello")["conversation_id"])
        with time_machine.travel(start + timedelta(hours=n, minutes=minutes), tick=False):
            agent_reply(conversation, "Hi!", agent)
    mark_online(agent)

    assert visitor.say("Anyone?")["availability"]["headline"] == "We usually reply in about 3 minutes"
