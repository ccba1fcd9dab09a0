"""Customer messages arrive here from every channel adapter (email, widget, web form, API)."""

from collections.abc import Iterable
from datetime import datetime

import nh3
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from unstuck.accounts.models import Agent
from unstuck.core.db import first_pk
from unstuck.core.errors import DomainError
from unstuck.customers import services as customer_services
from unstuck.customers.models import Customer
from unstuck.triage import services as triage_services
from unstuck.triage.engine.reading import TextReading

from .. import policy
from ..models import Attachment, Category, Channel, Conversation, Message, MessageKind, Status
from .common import index_conversation, index_message, save_with_clocks
from .events import fields_for_event, record_event

REOPENING_STATUSES = (Status.WAITING_CUSTOMER, Status.SOLVED)


def sanitize_html(html: str) -> str:
    return nh3.clean(html) if html else ""


def subject_from(text: str) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return (first_line[:97] + "…") if len(first_line) > 100 else (first_line or "(no subject)")


def add_attachment(message: Message, *, content: File, filename: str, content_type: str, size: int) -> Attachment:
    """Keep a file with its message; channels decide what is allowed and what type it really is."""
    stored_name = get_valid_filename(filename) or "attachment"
    attachment = Attachment(message=message, filename=filename[:255], content_type=content_type[:120], size=size)
    attachment.file.save(stored_name, content, save=False)
    attachment.save()
    return attachment


def note_channel_change(conversation: Conversation, *, channel: str, reason: str = "") -> bool:
    """Replies follow the channel the customer is on: switch it on the instance and audit it (the caller saves)."""
    if conversation.channel == channel:
        return False
    after = {"channel": channel, **({"reason": reason} if reason else {})}
    record_event(
        kind="channel.changed",
        actor=None,
        conversation=conversation,
        before={"channel": conversation.channel},
        after=after,
    )
    conversation.channel = channel
    return True


@transaction.atomic
def change_channel(conversation: Conversation, *, channel: str, reason: str) -> Conversation:
    """The customer moved channel without writing on the new one (a chat visitor who left an email)."""
    if note_channel_change(conversation, channel=channel, reason=reason):
        conversation.save(update_fields=["channel", "updated_at"])
    return conversation


@transaction.atomic
def receive_message(
    *,
    channel: str,
    text: str,
    identities: Iterable[tuple[str, str]] = (),
    customer: Customer | None = None,
    name: str = "",
    subject: str = "",
    html: str = "",
    external_id: str = "",
    conversation: Conversation | None = None,
    route: bool = True,
    read_ahead: TextReading | None = None,
) -> Message:
    """File a customer's message: find the person, find or start the conversation, reopen if needed.

    Idempotent on `external_id`, so a channel may deliver the same message twice.
    """
    if not text.strip():
        raise DomainError("empty_message", "The message has no text.")
    if external_id:
        existing = first_pk(Message, "external_id = %s AND kind = %s", [external_id[:255], MessageKind.INBOUND])
        if existing is not None:
            return Message.objects.get(pk=existing)
    if customer is None:
        customer = customer_services.find_or_create_customer(identities=identities, name=name)
    now = timezone.now()
    if conversation is not None:
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == Status.CLOSED:
            previous, conversation = conversation, None
            subject = subject or f"Follow-up: {previous.subject}"
    new = conversation is None
    if conversation is None:
        # Born with its first message counted and its clocks set: one INSERT, no UPDATE right after.
        conversation = Conversation(
            subject=(subject.strip() or subject_from(text))[:250],
            customer=customer,
            channel=channel,
            created_at=now,
            message_count=1,
            last_customer_message_at=now,
            last_message_at=now,
        )
        policy.refresh_clocks(conversation, now=now)
        conversation.save(force_insert=True)
        record_event(kind="conversation.created", actor=None, conversation=conversation, after={"channel": channel})
        index_conversation(conversation)
    message = Message.objects.create(
        conversation=conversation,
        kind=MessageKind.INBOUND,
        channel=channel,
        author_customer=customer,
        text=text,
        html=sanitize_html(html),
        external_id=external_id[:255],
        created_at=now,
    )
    if not new:
        _count_in(conversation, channel=channel, now=now)
    record_event(kind="message.received", actor=None, conversation=conversation, after={"message_id": message.pk})
    index_message(message)
    triage_services.triage_inbound(message, new_conversation=new, read_ahead=read_ahead)
    if route and conversation.owner_id is None:
        from unstuck.momentum.services.assignment import auto_assign

        auto_assign(conversation)
    return message


def _count_in(conversation: Conversation, *, channel: str, now: datetime) -> None:
    """A further customer message: count it, reopen a waiting or solved conversation, follow the channel."""
    fields = ["message_count", "last_customer_message_at", "last_message_at"]
    if conversation.status in REOPENING_STATUSES:
        if conversation.status == Status.SOLVED:
            conversation.reopen_count += 1
            fields.append("reopen_count")
        record_event(
            kind="status.changed",
            actor=None,
            conversation=conversation,
            before={"status": conversation.status},
            after={"status": Status.OPEN, "reason": "customer wrote"},
        )
        conversation.status = Status.OPEN
        fields.append("status")
    if note_channel_change(conversation, channel=channel):
        fields.append("channel")
    conversation.message_count += 1
    conversation.last_customer_message_at = now
    conversation.last_message_at = now
    save_with_clocks(conversation, *fields)


@transaction.atomic
def open_conversation(
    *,
    channel: str,
    text: str,
    identities: Iterable[tuple[str, str]],
    name: str = "",
    subject: str = "",
    html: str = "",
    external_id: str = "",
    level: int | None = None,
    perceived_urgency: int | None = None,
    category: Category | None = None,
    actor: Agent | None = None,
) -> Conversation:
    """Start a conversation with its first customer message (API and web form), optionally pre-triaged."""
    message = receive_message(
        channel=channel or Channel.API,
        text=text,
        identities=identities,
        name=name,
        subject=subject,
        html=html,
        external_id=external_id,
        route=False,  # routed below, once the caller's triage is applied
    )
    conversation = message.conversation
    changes = {
        key: value
        for key, value in {
            "level": level,
            "perceived_urgency": perceived_urgency,
            "category": category,
        }.items()
        if value is not None
    }
    if changes:
        for key, value in changes.items():
            setattr(conversation, key, value)
        save_with_clocks(conversation, *changes)
        record_event(
            kind="triage.set",
            actor=actor,
            conversation=conversation,
            after=fields_for_event(changes),
        )
    if conversation.owner_id is None:
        from unstuck.momentum.services.assignment import auto_assign

        auto_assign(conversation)
    return conversation
