"""Reads for the email channel: mailboxes, threading lookups, problem mail, deliveries due for a retry."""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import QuerySet

from unstuck.conversations.models import Conversation, Message, MessageKind
from unstuck.core.db import first_pk
from unstuck.core.errors import NotFound
from unstuck.core.memo import memo

from .models import Delivery, InboundMail, InboundStatus, Mailbox
from .parsing import ParsedEmail

# Outbound subjects carry the conversation number: "Re: Export fails [#123]".
SUBJECT_TOKEN = re.compile(r"\[#(\d{1,12})\]")
PROBLEM_STATUSES = (InboundStatus.FAILED, InboundStatus.LOOP, InboundStatus.BOUNCE, InboundStatus.AUTO_REPLY)


def list_mailboxes() -> QuerySet[Mailbox]:
    return Mailbox.objects.all()


def list_polled_mailbox_ids() -> list[int]:
    return list(Mailbox.objects.filter(is_active=True).exclude(imap_host="").values_list("id", flat=True))


def get_mailbox(mailbox_id: int) -> Mailbox:
    mailbox = Mailbox.objects.filter(pk=mailbox_id).first()
    if mailbox is None:
        raise NotFound(f"Mailbox {mailbox_id}")
    return mailbox


@memo(seconds=10)
def _mailboxes_by_address() -> dict[str, Mailbox]:
    """Read for every received mail (loop check, which mailbox it came to); mailboxes rarely change."""
    return {mailbox.address.lower(): mailbox for mailbox in Mailbox.objects.order_by("id")}


_mailboxes_by_address.watch(Mailbox)


def own_addresses() -> set[str]:
    """Every address we send from: mail from one of them is our own mail coming back (a loop)."""
    return set(_mailboxes_by_address())


def find_mailbox_for(addresses: list[str]) -> Mailbox | None:
    """The mailbox a message was sent to, from its envelope or To/Cc addresses."""
    known = _mailboxes_by_address()
    for address in addresses:
        mailbox = known.get(address.lower())
        if mailbox is not None:
            return mailbox
    return None


def find_thread_conversation(parsed: ParsedEmail) -> Conversation | None:
    """The conversation a mail answers: by In-Reply-To/References, else by the [#123] subject token."""
    ids = parsed.thread_ids
    if ids:
        messages = Message.objects.filter(external_id__in=ids).exclude(kind=MessageKind.NOTE)
        found = {m.external_id: m.conversation_id for m in messages.only("external_id", "conversation_id")}
        for message_id in ids:  # nearest ancestor first
            if message_id in found:
                return _follow_merges(found[message_id])
    token = SUBJECT_TOKEN.search(parsed.subject)
    if token:
        return _follow_merges(int(token.group(1)))
    return None


def _follow_merges(conversation_id: int) -> Conversation | None:
    """The conversation, or the one it was merged into; only its id is read (filing locks and re-reads it)."""
    rows = Conversation.objects.only("id", "merged_into_id")
    conversation = rows.filter(pk=conversation_id).first()
    seen = set()
    while conversation is not None and conversation.merged_into_id and conversation.pk not in seen:
        seen.add(conversation.pk)
        conversation = rows.filter(pk=conversation.merged_into_id).first()
    return conversation


def find_previous_inbound(*, mailbox: Mailbox | None, uidvalidity: int | None, uid: int | None) -> InboundMail | None:
    if uid is None:
        return None
    return InboundMail.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).first()


def find_duplicate(*, message_id: str, raw_sha256: str) -> InboundMail | None:
    """The earlier copy of this mail: same Message-ID, or the same bytes when it has none."""
    where, value = ("message_id_header = %s", message_id) if message_id else ("raw_sha256 = %s", raw_sha256)
    pk = first_pk(InboundMail, f"{where} AND status <> %s", [value, InboundStatus.DUPLICATE])
    return None if pk is None else InboundMail.objects.defer("raw").get(pk=pk)


def find_reply_mailbox(conversation: Conversation) -> Mailbox | None:
    """Replies leave from the mailbox the customer last wrote to, else the first active one."""
    inbound = (
        InboundMail.objects.filter(conversation=conversation, mailbox__isnull=False)
        .select_related("mailbox")
        .order_by("-id")
        .first()
    )
    if inbound is not None and inbound.mailbox is not None:
        return inbound.mailbox
    return Mailbox.objects.filter(is_active=True).order_by("id").first()


def find_reply_address(conversation: Conversation) -> str | None:
    """The address the customer last wrote from in this conversation, else their first email identity."""
    from unstuck.customers.selectors import primary_email

    sender = (
        InboundMail.objects.filter(conversation=conversation, status=InboundStatus.FILED)
        .exclude(sender="")
        .order_by("-id")
        .values_list("sender", flat=True)
        .first()
    )
    return sender or primary_email(conversation.customer)


def list_problem_mail(status: str | None = None) -> QuerySet[InboundMail]:
    statuses = [status] if status in PROBLEM_STATUSES else [InboundStatus.FAILED, InboundStatus.LOOP]
    return (
        InboundMail.objects.filter(status__in=statuses, resolved_at__isnull=True).select_related("mailbox").defer("raw")
    )


def get_inbound(inbound_id: int) -> InboundMail:
    inbound = InboundMail.objects.select_related("mailbox").filter(pk=inbound_id).first()
    if inbound is None:
        raise NotFound(f"Received mail {inbound_id}")
    return inbound


def list_due_delivery_ids(*, now: datetime) -> list[int]:
    return list(Delivery.objects.filter(next_attempt_at__lte=now).values_list("message_id", flat=True))


def find_delivery(message: Message) -> Delivery | None:
    return Delivery.objects.filter(message=message).first()
