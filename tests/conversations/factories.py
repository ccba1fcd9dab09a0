"""Builders that go through the services, so the data has the same clocks, events and index rows as real use."""

from unstuck.accounts.models import Agent
from unstuck.conversations import services
from unstuck.conversations.models import Conversation, Level

_counter = iter(range(1, 10**9))


def new_conversation(
    *,
    email: str = "",
    text: str = "The export button does nothing when I click it.",
    subject: str = "Export button does nothing",
    channel: str = "email",
    level: int | None = Level.DEFECT,
    perceived_urgency: int | None = None,
    name: str = "Dana Example",
) -> Conversation:
    """A conversation with one customer message, unowned and new."""
    email = email or f"customer{next(_counter)}@example.com"
    return services.open_conversation(
        channel=channel,
        text=text,
        subject=subject,
        identities=[("email", email)],
        name=name,
        level=level,
        perceived_urgency=perceived_urgency,
    )


def owned_conversation(owner: Agent, **kwargs) -> Conversation:
    """A conversation the owner has answered once: open, owned, with a next step."""
    conversation = new_conversation(**kwargs)
    services.reply(
        conversation,
        text="Thanks, Dana. I can reproduce it and I'm on it.",
        actor=owner,
        next_step="Maya checks the export logs by 3 pm",
    )
    conversation.refresh_from_db()
    return conversation


def api_create_body(**overrides) -> dict:
    """A valid POST /api/v1/conversations body; override what the test is about."""
    body = {
        "subject": "Export button does nothing",
        "text": "The export button does nothing when I click it.",
        "customer": {"name": "Dana Example", "email": "dana@example.com"},
    }
    body.update(overrides)
    return body
