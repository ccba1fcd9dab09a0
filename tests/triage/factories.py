"""Builders for triage tests: customer messages through the real receiving service, corrections by an agent."""

from unstuck.conversations import services as conversation_services
from unstuck.conversations.models import Category, Conversation, Message

_counter = iter(range(1, 10**9))


def inbound(text: str, *, conversation: Conversation | None = None, email: str = "") -> Message:
    """A customer message on any channel, exactly as the channel adapters file it."""
    email = email or f"triage{next(_counter)}@example.com"
    return conversation_services.receive_message(
        channel="email", text=text, identities=[("email", email)], conversation=conversation
    )


def category(name: str) -> Category:
    return Category.objects.get_or_create(name=name)[0]


def corrected(text: str, to: Category, *, actor) -> Conversation:  # type: ignore[no-untyped-def]
    """A conversation an agent re-categorised: one category label."""
    conversation = inbound(text).conversation
    return conversation_services.change_category(conversation, category=to, actor=actor)
