"""Replies out over real SMTP (an aiosmtpd sink), retries and the agent's retry; the inbound SMTP listener."""

import smtplib
from datetime import timedelta

import pytest
from django.utils import timezone

from unstuck.conversations import services as conversation_services
from unstuck.conversations.models import Message
from unstuck.mail import services, tasks
from unstuck.mail.models import Delivery, InboundMail, InboundStatus, Source
from unstuck.mail.smtp import start_listener

from .conftest import free_port
from .factories import MailboxFactory, eml

pytestmark = pytest.mark.django_db


def customer_mail_thread(agent):
    """A conversation started by an email to our mailbox, answered once already."""
    mailbox = MailboxFactory(name="Fernhill Support", address="help@fernhill.example.com")
    raw = eml(message_id="<first@example.com>", to="help@fernhill.example.com", subject="Export fails")
    inbound = services.ingest(raw, envelope=services.Envelope(source=Source.PIPE))
    return mailbox, inbound.conversation


def send_reply(agent, conversation, capture, text="Clear the cache, then export again."):
    with capture(execute=True):
        message = conversation_services.reply(conversation, text=text, actor=agent, next_step="Maya checks back")
    message.refresh_from_db()
    return message


def test_reply_goes_out_threaded_with_our_headers_and_both_parts(agent, smtp_sink, django_capture_on_commit_callbacks):
    mailbox, conversation = customer_mail_thread(agent)
    first = send_reply(agent, conversation, django_capture_on_commit_callbacks)
    second = send_reply(agent, conversation, django_capture_on_commit_callbacks, text="Did that help?")

    assert (first.delivery_status, second.delivery_status) == ("sent", "sent")
    (_, mail1), (envelope2, mail2) = smtp_sink.messages
    assert envelope2.rcpt_tos == ["dana@example.com"]
    assert mail2["Message-ID"] == second.external_id and mail1["Message-ID"] == first.external_id
    assert mail2["In-Reply-To"] == first.external_id
    assert mail2["References"].split() == ["<first@example.com>", first.external_id]
    assert mail1["In-Reply-To"] == "<first@example.com>"
    assert mail2["Reply-To"] == mailbox.address
    assert mail2["From"].addresses[0].addr_spec == mailbox.address
    assert mail2["Subject"] == f"Re: Export fails [#{conversation.pk}]"
    assert mail2["X-Unstuck-Loop"] == f"conversation={conversation.pk}"
    assert mail2.get_body(("plain",)).get_content().strip() == "Did that help?"
    assert "<p>Did that help?</p>" in mail2.get_body(("html",)).get_content()


def test_customer_answer_to_our_reply_threads_back(agent, smtp_sink, django_capture_on_commit_callbacks):
    _, conversation = customer_mail_thread(agent)
    reply = send_reply(agent, conversation, django_capture_on_commit_callbacks)
    answer = eml(message_id="<answer@example.com>", subject="Re: whatever", headers=f"In-Reply-To: {reply.external_id}")
    inbound = services.ingest(answer, envelope=services.Envelope(source=Source.PIPE))
    assert inbound.conversation_id == conversation.pk


def test_failed_sends_retry_with_backoff_then_show_not_delivered_and_the_agent_can_retry(
    agent, web, settings, smtp_sink, django_capture_on_commit_callbacks
):
    _, conversation = customer_mail_thread(agent)
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused

    message = send_reply(agent, conversation, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(message=message)
    assert (message.delivery_status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=30)
    message_id = message.external_id

    for attempt in (2, 3):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        tasks.retry_deliveries.call()
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    message.refresh_from_db()
    assert message.delivery_status == "failed" and message.delivery_error
    assert (delivery.next_attempt_at, message.external_id) == (None, message_id)

    page = web.get(f"/c/{conversation.pk}/").content.decode()
    assert "Not delivered:" in page and f"/mail/messages/{message.pk}/retry/" in page

    settings.EMAIL_PORT = working_port
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(f"/mail/messages/{message.pk}/retry/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Not delivered" not in response.content.decode()
    message.refresh_from_db()
    assert message.delivery_status == "sent"
    [(_, mail)] = smtp_sink.messages
    assert mail["Message-ID"] == message_id  # the same Message-ID on every attempt


def test_retry_is_refused_for_a_delivered_reply(agent, web, smtp_sink, django_capture_on_commit_callbacks):
    _, conversation = customer_mail_thread(agent)
    message = send_reply(agent, conversation, django_capture_on_commit_callbacks)
    response = web.post(f"/mail/messages/{message.pk}/retry/")
    assert response.status_code == 302
    assert len(smtp_sink.messages) == 1


def test_smtp_listener_files_mail_through_the_ingest_service(transactional_db):
    port = free_port()
    controller = start_listener("127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            client.sendmail("dana@example.com", ["help@fernhill.example.com"], eml(message_id="<smtp@example.com>"))
    finally:
        controller.stop()
    inbound = InboundMail.objects.get()
    assert (inbound.source, inbound.status) == (Source.SMTP, InboundStatus.FILED)
    assert Message.objects.get().external_id == "<smtp@example.com>"
