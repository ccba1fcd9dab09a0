"""Email channel actions: file received mail, keep mailboxes, retry replies that did not go out."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from unstuck.accounts.models import Agent, Role
from unstuck.accounts.permissions import require_role
from unstuck.conversations import services as conversation_services
from unstuck.conversations.models import Conversation, DeliveryStatus, Message, MessageKind
from unstuck.core.errors import DomainError
from unstuck.momentum.models import SideMessage
from unstuck.momentum.services.collaborators import receive_vendor_reply
from unstuck.triage.engine.reading import TextReading

from . import conf, selectors
from .models import Delivery, InboundMail, InboundStatus, Mailbox, Source
from .parsing import ParsedEmail, parse_email

logger = logging.getLogger(__name__)

MAILBOX_FIELDS = ("name", "address", "imap_host", "imap_port", "security", "username", "folder", "is_active")


# --- Receiving -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """Where a raw mail came from: the transport, and for IMAP the mailbox position it was read at."""

    source: str
    mailbox: Mailbox | None = None
    uidvalidity: int | None = None
    uid: int | None = None
    recipients: tuple[str, ...] = ()


def ingest(
    raw: bytes, *, envelope: Envelope, parsed: ParsedEmail | None = None, read_ahead: TextReading | None = None
) -> InboundMail:
    """Store a received mail raw and file it; idempotent on IMAP position, Message-ID and bytes.

    Never raises for bad mail: what cannot be filed is kept with its reason for the Mail problems page.
    `parsed` and `read_ahead` come from mail.pipeline, which parses and reads ahead in worker processes.
    """
    previous = selectors.find_previous_inbound(
        mailbox=envelope.mailbox, uidvalidity=envelope.uidvalidity, uid=envelope.uid
    )
    if previous is not None:
        return previous
    if parsed is None:
        own, limit = selectors.own_addresses(), conf.max_attachment_bytes()
        parsed = parse_email(raw, own_addresses=own, max_attachment_bytes=limit)
    mailbox = envelope.mailbox or selectors.find_mailbox_for([*envelope.recipients, *parsed.to, *parsed.cc])
    inbound = InboundMail(
        mailbox=mailbox,
        source=envelope.source,
        uidvalidity=envelope.uidvalidity,
        uid=envelope.uid,
        raw=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        message_id_header=parsed.message_id[:255],
        sender=parsed.from_address[:254],
        subject=parsed.subject[:250],
        charset_problems=parsed.charset_problems,
    )
    try:
        with transaction.atomic():
            _file(inbound, parsed, read_ahead)
            inbound.save()
    except IntegrityError:
        # Two pollers read the same UID at once; the other one filed it.
        existing = selectors.find_previous_inbound(mailbox=mailbox, uidvalidity=envelope.uidvalidity, uid=envelope.uid)
        if existing is not None:
            return existing
        raise
    except Exception as error:  # a bug or a refused message must not lose the mail: keep it raw with the reason
        logger.exception("mail.filing_failed", extra={"message_id": parsed.message_id})
        inbound.pk = None
        inbound.message = inbound.conversation = None
        inbound.status, inbound.reason = InboundStatus.FAILED, f"Filing failed: {error}"[:500]
        inbound.save()
    logger.info("mail.ingested", extra={"status": inbound.status, "message_id": parsed.message_id})
    return inbound


def _file(inbound: InboundMail, parsed: ParsedEmail, read_ahead: TextReading | None = None) -> None:
    """Decide what this mail is and act on it; sets status, reason and links on `inbound` (not yet saved)."""
    duplicate = selectors.find_duplicate(message_id=parsed.message_id, raw_sha256=inbound.raw_sha256)
    if parsed.error:
        inbound.status, inbound.reason = InboundStatus.FAILED, parsed.error
    elif duplicate is not None:
        # The first copy keeps the bytes; this row only remembers that the UID was seen.
        inbound.status, inbound.reason, inbound.raw = InboundStatus.DUPLICATE, f"Same mail as #{duplicate.pk}", b""
        inbound.message_id, inbound.conversation_id = duplicate.message_id, duplicate.conversation_id
    elif parsed.loop_why:
        inbound.status, inbound.reason = InboundStatus.LOOP, parsed.loop_why
    elif parsed.bounce:
        inbound.status, inbound.reason = InboundStatus.BOUNCE, parsed.bounce_reason[:500]
        inbound.conversation = _apply_bounce(parsed)
    elif parsed.auto_reply:
        # Filed beside the conversation it answers, but it must not reopen it or start anything.
        inbound.status, inbound.reason = InboundStatus.AUTO_REPLY, parsed.auto_reply_why[:500]
        inbound.conversation = selectors.find_thread_conversation(parsed)
    elif (side := _vendor_reply(parsed)) is not None:
        # A vendor answering the owner's side-thread question: internal, never the customer's thread.
        inbound.status, inbound.conversation_id = InboundStatus.FILED, side.conversation_id
        inbound.reason = "Vendor reply, filed in the conversation's side thread"
    else:
        message = _file_customer_message(parsed, read_ahead)
        inbound.status, inbound.message, inbound.conversation = InboundStatus.FILED, message, message.conversation
        skipped = [a.name for a in parsed.attachments if a.too_large]
        if skipped:
            inbound.reason = f"Over the attachment size limit, kept only in the raw mail: {', '.join(skipped)}"[:500]


def _vendor_reply(parsed: ParsedEmail) -> SideMessage | None:
    return receive_vendor_reply(
        subject=parsed.subject,
        references=([parsed.in_reply_to] if parsed.in_reply_to else []) + list(parsed.references),
        from_email=parsed.from_address,
        text=parsed.reply_text or parsed.text,
        message_id=parsed.message_id,
    )


def _file_customer_message(parsed: ParsedEmail, read_ahead: TextReading | None) -> Message:
    message = conversation_services.receive_message(
        channel="email",
        text=parsed.message_text,
        html=parsed.html_sanitized,
        identities=[("email", parsed.from_address)],
        name=parsed.from_name,
        subject=parsed.subject,
        external_id=parsed.message_id,
        conversation=selectors.find_thread_conversation(parsed),
        read_ahead=read_ahead,
    )
    if parsed.attachments and not message.attachments.exists():
        _store_attachments(message, parsed)
    return message


def _store_attachments(message: Message, parsed: ParsedEmail) -> None:
    for attachment in parsed.attachments:
        if attachment.too_large:
            continue
        conversation_services.add_attachment(
            message,
            content=ContentFile(attachment.data),
            filename=attachment.name,
            content_type=attachment.content_type,
            size=attachment.size,
        )


def _apply_bounce(parsed: ParsedEmail) -> Conversation | None:
    """A bounce of our reply marks that reply not delivered, so the agent sees it in the thread."""
    if not parsed.bounce_references:
        return None
    replies = Message.objects.filter(kind=MessageKind.OUTBOUND, external_id__in=parsed.bounce_references)
    conversation = None
    for reply in replies.select_related("conversation"):
        conversation = reply.conversation
        if parsed.bounce_action in ("", "failed"):
            conversation_services.mark_delivery(
                reply, status=DeliveryStatus.FAILED, error=f"Bounced: {parsed.bounce_reason}"
            )
            Delivery.objects.filter(message=reply).update(next_attempt_at=None, last_error=parsed.bounce_reason[:500])
    return conversation


def ingest_file(raw: bytes, *, source: str = Source.PIPE, recipients: tuple[str, ...] = ()) -> InboundMail:
    return ingest(raw, envelope=Envelope(source=source, recipients=recipients))


@transaction.atomic
def resolve_problem(inbound: InboundMail, *, actor: Agent) -> InboundMail:
    """An agent has looked at a problem mail (downloaded or forwarded it): take it off the list."""
    inbound.resolved_at = timezone.now()
    inbound.save(update_fields=["resolved_at", "updated_at"])
    conversation_services.record_event(
        kind="mail.problem_resolved", actor=actor, conversation=inbound.conversation, after={"inbound_id": inbound.pk}
    )
    return inbound


# --- Mailboxes -------------------------------------------------------------------------------------------


@transaction.atomic
def save_mailbox(mailbox: Mailbox | None, *, data: dict[str, Any], password: str, actor: Agent) -> Mailbox:
    """Create or change a mailbox; a blank password keeps the stored one (it is never shown back)."""
    require_role(actor, Role.LEAD, "configure mailboxes")
    creating = mailbox is None
    mailbox = mailbox or Mailbox()
    before = {key: getattr(mailbox, key) for key in MAILBOX_FIELDS} if not creating else {}
    for key in MAILBOX_FIELDS:
        if key in data:
            setattr(mailbox, key, data[key])
    mailbox.address = mailbox.address.strip().lower()
    if password:
        mailbox.password = password
    if creating and mailbox.imap_host and not mailbox.password:
        raise DomainError("password_required", "Enter the mailbox password or app password.")
    if Mailbox.objects.filter(address=mailbox.address).exclude(pk=mailbox.pk).exists():
        raise DomainError("mailbox_exists", f"{mailbox.address} is already configured.")
    folder_or_server_changed = not creating and any(
        before[key] != getattr(mailbox, key) for key in ("imap_host", "username", "folder")
    )
    if folder_or_server_changed:
        # A different folder or server numbers its messages from scratch.
        mailbox.uidvalidity, mailbox.last_uid = None, 0
    mailbox.save()
    after = {key: getattr(mailbox, key) for key in MAILBOX_FIELDS}
    changed = {key: value for key, value in after.items() if before.get(key) != value}
    if password:
        changed["password"] = "(changed)"
    conversation_services.record_event(
        kind="mailbox.created" if creating else "mailbox.changed",
        actor=actor,
        before={key: before[key] for key in changed if key in before},
        after=changed,
    )
    return mailbox


def record_poll(
    mailbox: Mailbox, *, uidvalidity: int | None = None, last_uid: int | None = None, error: str = ""
) -> None:
    """The poller's bookmark; written with update() so a settings edit in between is not overwritten."""
    fields: dict[str, Any] = {"last_polled_at": timezone.now(), "last_error": error[:500]}
    if uidvalidity is not None:
        fields["uidvalidity"] = uidvalidity
    if last_uid is not None:
        fields["last_uid"] = last_uid
    Mailbox.objects.filter(pk=mailbox.pk).update(**fields)
    for key, value in fields.items():
        setattr(mailbox, key, value)


# --- Delivery retries ------------------------------------------------------------------------------------


@transaction.atomic
def retry_delivery(message: Message, *, actor: Agent) -> Message:
    """The agent asks to send a reply that was not delivered once more, with a fresh set of attempts."""
    if message.kind != MessageKind.OUTBOUND or message.delivery_status != DeliveryStatus.FAILED:
        raise DomainError("not_failed", "Only a reply that was not delivered can be sent again.")
    Delivery.objects.filter(message=message).update(attempts=0, next_attempt_at=None)
    conversation_services.mark_delivery(message, status=DeliveryStatus.PENDING)
    conversation_services.record_event(
        kind="reply.retried", actor=actor, conversation=message.conversation, after={"message_id": message.pk}
    )
    from unstuck.conversations.tasks import deliver_reply

    transaction.on_commit(partial(deliver_reply.enqueue, message_id=message.pk))
    return message
