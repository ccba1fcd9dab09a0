"""Shared steps of the conversation services: locking, permission checks, recounting, indexing."""

from django.db.models import Max, Min, Q

from unstuck.accounts.models import Agent, Role
from unstuck.core.errors import Forbidden
from unstuck.search import engine

from .. import policy
from ..models import Conversation, Message, MessageKind


def lock(conversation: Conversation) -> Conversation:
    """Re-read the row under a write lock so concurrent agents cannot interleave changes."""
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("customer", "owner__user")
        .get(pk=conversation.pk)
    )


def require_owner_or_lead(conversation: Conversation, actor: Agent, action: str) -> None:
    """The owner runs their conversation; on someone else's, only a lead may step in."""
    if conversation.owner_id in (None, actor.pk) or actor.has_role(Role.LEAD):
        return
    raise Forbidden(f"Only {conversation.owner} (the owner) or a lead can {action}.")


def recount(conversation: Conversation) -> None:
    """Rebuild counters and message times from the messages themselves (after merge or split)."""
    messages = Message.objects.filter(conversation=conversation)
    stats = messages.aggregate(
        last=Max("created_at"),
        last_in=Max("created_at", filter=Q(kind=MessageKind.INBOUND)),
        first_out=Min("created_at", filter=Q(kind=MessageKind.OUTBOUND)),
        last_out=Max("created_at", filter=Q(kind=MessageKind.OUTBOUND)),
    )
    conversation.message_count = messages.exclude(kind=MessageKind.NOTE).count()
    conversation.reply_count = messages.filter(kind=MessageKind.OUTBOUND).count()
    conversation.last_message_at = stats["last"] or conversation.created_at
    conversation.last_customer_message_at = stats["last_in"]
    conversation.first_replied_at = stats["first_out"]
    conversation.last_heard_at = stats["last_out"]


def save_with_clocks(conversation: Conversation, *fields: str) -> None:
    policy.refresh_clocks(conversation)
    clock_fields = [
        "first_reply_due",
        "next_update_due",
        "resolution_due",
        "due_at",
        "stuck_seconds",
        "stuck_counted_until",
        "felt_stuck",
        "updated_at",
    ]
    conversation.save(update_fields=list(dict.fromkeys([*fields, *clock_fields])))


def index_message(message: Message) -> None:
    title = "Internal note" if message.kind == MessageKind.NOTE else ""
    engine.index("message", message.pk, title=title, body=message.text, group_id=message.conversation_id)


def index_conversation(conversation: Conversation) -> None:
    engine.index("conversation", conversation.pk, title=conversation.subject, group_id=conversation.pk)
