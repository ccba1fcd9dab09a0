"""Replies and internal notes, with collision safety."""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.core.errors import Conflict, DomainError

from ..models import Conversation, DeliveryStatus, Message, MessageKind, Status
from .common import index_message, lock, save_with_clocks
from .events import record_event

MAX_TEXT = 50_000


class ReplyHeld(Conflict):
    """The conversation moved on while the agent was writing; the reply waits for a second look."""

    def __init__(self, newer: list[Message]) -> None:
        who = ", ".join(sorted({m.author_name for m in newer}))
        super().__init__(
            "reply_held",
            f"{len(newer)} new message{'s' if len(newer) > 1 else ''} arrived while you were writing"
            f" (from {who}). Read {'them' if len(newer) > 1 else 'it'}, then send again.",
        )
        self.newer = newer


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("empty_message", "Write something before sending.")
    if len(text) > MAX_TEXT:
        raise DomainError("message_too_long", f"Keep a message under {MAX_TEXT:,} characters.")
    return text


def newer_messages(conversation: Conversation, *, seen_message_id: int, actor: Agent) -> list[Message]:
    """Customer messages and other agents' replies posted after the one the agent last saw."""
    return list(
        Message.objects.filter(conversation=conversation, id__gt=seen_message_id)
        .exclude(kind=MessageKind.NOTE)
        .exclude(author_agent=actor)
        .select_related("author_agent__user", "author_customer")
    )


@transaction.atomic
def reply(
    conversation: Conversation,
    *,
    text: str,
    actor: Agent,
    seen_message_id: int | None = None,
    force: bool = False,
    next_step: str | None = None,
    promise_due: datetime | None = None,
) -> Message:
    """Send a reply to the customer. An unowned conversation becomes the replier's; a new one opens.

    With `promise_due` the reply says when we will write again, and that time becomes the next update due
    if it is sooner than the level's cadence.
    """
    from unstuck.momentum import selectors as momentum_selectors
    from unstuck.momentum.services import promises

    text = _clean_text(text)
    if promise_due is not None:
        promises.validate_promise(promise_due)
        sentence = promises.promise_sentence(promise_due, momentum_selectors.desk_calendar().tz)
        if sentence not in text:
            text = f"{text}\n\n{sentence}"
    conversation = lock(conversation)
    if conversation.status == Status.CLOSED:
        raise DomainError("closed", "This conversation is closed; start a new one to write to the customer.")
    if not (next_step or "").strip() and not conversation.next_step:
        # An open conversation always says what happens next; the first reply is where it gets written.
        raise DomainError("next_step_required", "Add the next step with your reply: what happens next, who does it?")
    if seen_message_id is not None and not force:
        newer = newer_messages(conversation, seen_message_id=seen_message_id, actor=actor)
        if newer:
            raise ReplyHeld(newer)
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation,
        kind=MessageKind.OUTBOUND,
        channel=conversation.channel,
        author_agent=actor,
        text=text,
        delivery_status=DeliveryStatus.PENDING,
        created_at=now,
    )
    fields = ["message_count", "reply_count", "last_heard_at", "last_message_at", "promise_due"]
    promises.settle_on_update(conversation, now)
    if promise_due is not None:
        promises.make_promise(conversation, due=promise_due, message=message, actor=actor)
    if conversation.owner_id is None:
        conversation.owner = actor
        fields.append("owner")
        record_event(kind="owner.assigned", actor=actor, conversation=conversation, after={"owner": actor.pk})
    if conversation.first_replied_at is None:
        conversation.first_replied_at = now
        fields.append("first_replied_at")
    if conversation.status in (Status.NEW, Status.SOLVED):
        record_event(
            kind="status.changed",
            actor=actor,
            conversation=conversation,
            before={"status": conversation.status},
            after={"status": Status.OPEN},
        )
        conversation.status = Status.OPEN
        fields.append("status")
    if next_step is not None and next_step.strip() and next_step.strip() != conversation.next_step:
        record_event(
            kind="next_step.changed",
            actor=actor,
            conversation=conversation,
            before={"next_step": conversation.next_step},
            after={"next_step": next_step.strip()},
        )
        conversation.next_step = next_step.strip()[:500]
        fields.append("next_step")
    conversation.message_count += 1
    conversation.reply_count += 1
    conversation.last_heard_at = now
    conversation.last_message_at = now
    save_with_clocks(conversation, *fields)
    record_event(kind="reply.sent", actor=actor, conversation=conversation, after={"message_id": message.pk})
    index_message(message)
    from ..tasks import deliver_reply

    transaction.on_commit(partial(deliver_reply.enqueue, message_id=message.pk))
    return message


@transaction.atomic
def add_note(conversation: Conversation, *, text: str, actor: Agent) -> Message:
    """An internal note: seen by the team, never by the customer, and no clock is touched."""
    text = _clean_text(text)
    conversation = lock(conversation)
    message = Message.objects.create(
        conversation=conversation,
        kind=MessageKind.NOTE,
        channel=conversation.channel,
        author_agent=actor,
        text=text,
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
    record_event(kind="note.added", actor=actor, conversation=conversation, after={"message_id": message.pk})
    index_message(message)
    return message


def mark_delivery(message: Message, *, status: str, error: str = "") -> Message:
    message.delivery_status = status
    message.delivery_error = error[:500]
    message.save(update_fields=["delivery_status", "delivery_error", "updated_at"])
    return message
