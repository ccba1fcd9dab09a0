"""Merge two conversations of one customer, split a message out, move conversations between customers."""

from django.db import transaction
from django.utils import timezone

from unstuck.accounts.models import Agent, Role
from unstuck.core.errors import DomainError, Forbidden
from unstuck.customers.models import Customer
from unstuck.search import engine

from ..models import Conversation, Message, MessageKind, Status
from .common import index_conversation, lock, recount, save_with_clocks
from .events import record_event

COUNTED_FIELDS = (
    "message_count",
    "reply_count",
    "last_message_at",
    "last_customer_message_at",
    "first_replied_at",
    "last_heard_at",
)


def _may_restructure(actor: Agent, *conversations: Conversation) -> None:
    if actor.has_role(Role.LEAD):
        return
    if all(c.owner_id in (None, actor.pk) for c in conversations):
        return
    raise Forbidden("Only a lead can merge or split conversations owned by someone else.")


@transaction.atomic
def merge_conversations(source: Conversation, *, into: Conversation, actor: Agent) -> Conversation:
    """All of `source`'s messages join `into` (the thread interleaves them by time); `source` closes."""
    if source.pk == into.pk:
        raise DomainError("same_conversation", "A conversation cannot be merged into itself.")
    source, into = lock(source), lock(into)
    if source.customer_id != into.customer_id:
        raise DomainError("different_customers", "Only conversations of the same customer can be merged.")
    if source.merged_into_id is not None:
        raise DomainError("already_merged", f"#{source.pk} was already merged into #{source.merged_into_id}.")
    if into.status == Status.CLOSED:
        raise DomainError("closed_is_final", "Merge into an active conversation, not a closed one.")
    _may_restructure(actor, source, into)
    moved_ids = list(Message.objects.filter(conversation=source).values_list("id", flat=True))
    Message.objects.filter(pk__in=moved_ids).update(conversation=into)
    engine.regroup("message", moved_ids, into.pk)
    recount(into)
    save_with_clocks(into, *COUNTED_FIELDS)
    recount(source)
    before_status = source.status
    source.status, source.merged_into, source.closed_at = Status.CLOSED, into, timezone.now()
    save_with_clocks(source, *COUNTED_FIELDS, "status", "merged_into", "closed_at")
    record_event(
        kind="conversation.merged",
        actor=actor,
        conversation=into,
        after={"merged_from": source.pk, "messages": len(moved_ids)},
    )
    record_event(
        kind="conversation.merged_away",
        actor=actor,
        conversation=source,
        before={"status": before_status},
        after={"merged_into": into.pk, "messages": len(moved_ids)},
    )
    return into


@transaction.atomic
def split_message(message: Message, *, actor: Agent, subject: str = "") -> Conversation:
    """A customer raised a second problem: give that message a conversation of its own."""
    source = lock(message.conversation)
    _may_restructure(actor, source)
    if message.kind != MessageKind.INBOUND:
        raise DomainError("split_inbound_only", "Only a customer's message can start a conversation of its own.")
    if Message.objects.filter(conversation=source).exclude(pk=message.pk).count() == 0:
        raise DomainError("split_last_message", "This is the conversation's only message; there is nothing to split.")
    new = Conversation.objects.create(
        subject=(subject.strip() or f"Split from #{source.pk}: {source.subject}")[:250],
        customer=source.customer,
        channel=message.channel,
        owner=actor,
        level=source.level,
        created_at=message.created_at,
    )
    Message.objects.filter(pk=message.pk).update(conversation=new)
    engine.regroup("message", [message.pk], new.pk)
    index_conversation(new)
    for conversation in (new, source):
        recount(conversation)
        save_with_clocks(conversation, *COUNTED_FIELDS)
    record_event(
        kind="conversation.split",
        actor=actor,
        conversation=new,
        after={"from": source.pk, "message_id": message.pk},
    )
    record_event(
        kind="message.split_out",
        actor=actor,
        conversation=source,
        after={"to": new.pk, "message_id": message.pk},
    )
    return new


def move_conversations_to_customer(
    *,
    source: Customer,
    target: Customer,
    actor: Agent | None,
    only: list[int] | None = None,
    reason: str = "",
) -> list[int]:
    """The conversations follow the person: all of them for a customer merge, `only` these for a split.

    `actor` is None when the customer merged themselves (a chat visitor giving a known email).
    """
    conversations = Conversation.objects.filter(customer=source).order_by("pk")
    if only is not None:
        conversations = conversations.filter(pk__in=only)
    moving = list(conversations)
    ids = [c.pk for c in moving]
    Conversation.objects.filter(pk__in=ids).update(customer=target)
    Message.objects.filter(conversation_id__in=ids, author_customer=source).update(author_customer=target)
    after: dict[str, object] = {"customer_id": target.pk}
    if reason:
        after["reason"] = reason
    for conversation in moving:
        conversation.customer = target
        record_event(
            kind="conversation.customer_changed",
            actor=actor,
            conversation=conversation,
            customer=target,
            before={"customer_id": source.pk},
            after=after,
        )
    return ids
