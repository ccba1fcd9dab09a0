from typing import Any

from unstuck.accounts.models import Agent
from unstuck.customers.models import Customer

from ..models import Conversation, Event


def record_event(
    *,
    kind: str,
    actor: Agent | None,
    conversation: Conversation | None = None,
    customer: Customer | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Event:
    """Write one audit row; every service that changes something calls this."""
    if customer is None and conversation is not None:
        customer = conversation.customer
    return Event.objects.create(
        kind=kind,
        actor=actor,
        conversation=conversation,
        customer=customer,
        before=before or {},
        after=after or {},
    )
