"""Replies out over SMTP: threaded headers, our loop marker, text and HTML parts, and bounded retries."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.html import escape, linebreaks

from unstuck.conversations import selectors as conversation_selectors
from unstuck.conversations import services as conversation_services
from unstuck.conversations.models import Conversation, DeliveryStatus, Message

from . import conf, selectors
from .automatic import LOOP_HEADER
from .models import Delivery, Mailbox

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
REPLY_PREFIX = re.compile(r"^\s*(re|aw|sv|antw)\s*:\s*", re.IGNORECASE)


def reply_subject(conversation: Conversation) -> str:
    """ "Re: <subject> [#123]": the token threads the customer's answer even when their client drops headers."""
    subject = selectors.SUBJECT_TOKEN.sub("", conversation.subject).strip()
    while REPLY_PREFIX.match(subject):
        subject = REPLY_PREFIX.sub("", subject, count=1)
    return f"Re: {subject} [#{conversation.pk}]"


def _sender(mailbox: Mailbox | None) -> tuple[str, str]:
    """(From header, bare address) for replies from this mailbox, else the desk's default sender."""
    if mailbox is not None:
        return formataddr((mailbox.name, mailbox.address)), mailbox.address
    default = settings.DEFAULT_FROM_EMAIL
    return default, default.rsplit("<", 1)[-1].strip(">").strip()


def build_reply_email(message: Message, *, to: str, mailbox: Mailbox | None) -> EmailMultiAlternatives:
    conversation = message.conversation
    from_header, from_address = _sender(mailbox)
    thread = [i for i in conversation_selectors.email_thread_ids(conversation) if i != message.external_id]
    headers = {
        "Message-ID": message.external_id,
        "Reply-To": from_address,
        LOOP_HEADER: f"conversation={conversation.pk}",
    }
    if thread:
        headers["In-Reply-To"] = thread[-1]
        # The first id anchors the thread in every client; then the most recent ones (RFC 5322 allows trimming).
        chain = thread if len(thread) <= 10 else [thread[0], *thread[-9:]]
        headers["References"] = " ".join(chain)
    email = EmailMultiAlternatives(
        subject=reply_subject(conversation),
        body=message.text,
        from_email=from_header,
        to=[to],
        headers=headers,
    )
    html = f"<!doctype html><html><body>{linebreaks(escape(message.text))}</body></html>"
    email.attach_alternative(html, "text/html")
    return email


def deliver_email_reply(message: Message) -> None:
    """One delivery attempt; a failure is retried by the sweep with backoff, then shown as not delivered."""
    conversation = message.conversation
    delivery, _ = Delivery.objects.get_or_create(message=message)
    address = selectors.find_reply_address(conversation)
    if address is None:
        conversation_services.mark_delivery(
            message, status=DeliveryStatus.FAILED, error="The customer has no email address."
        )
        return
    mailbox = delivery.mailbox or selectors.find_reply_mailbox(conversation)
    if not message.external_id:
        # Stored before sending, so a retry reuses it and a bounce can find this reply.
        domain = _sender(mailbox)[1].rsplit("@", 1)[-1] or "unstuck.localhost"
        message.external_id = make_msgid(domain=domain)
        message.save(update_fields=["external_id", "updated_at"])
    delivery.mailbox = mailbox
    delivery.attempts += 1
    try:
        build_reply_email(message, to=address, mailbox=mailbox).send()
    except Exception as error:  # any SMTP or network failure: retry, then show it on the message
        _record_failure(message, delivery, str(error) or type(error).__name__)
        return
    delivery.next_attempt_at, delivery.last_error = None, ""
    delivery.save()
    conversation_services.mark_delivery(message, status=DeliveryStatus.SENT)


def _record_failure(message: Message, delivery: Delivery, reason: str) -> None:
    logger.warning("mail.delivery_failed", extra={"message_id": message.pk, "attempt": delivery.attempts})
    delivery.last_error = reason[:500]
    backoff = conf.retry_backoff()
    if delivery.attempts < MAX_ATTEMPTS:
        wait = backoff[min(delivery.attempts - 1, len(backoff) - 1)]
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
        delivery.save()
        conversation_services.mark_delivery(
            message,
            status=DeliveryStatus.PENDING,
            error=f"Attempt {delivery.attempts} of {MAX_ATTEMPTS} failed ({reason}); trying again in {wait} s.",
        )
        return
    delivery.next_attempt_at = None
    delivery.save()
    conversation_services.mark_delivery(message, status=DeliveryStatus.FAILED, error=reason)
