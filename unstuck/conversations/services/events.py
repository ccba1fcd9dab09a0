from datetime import datetime
from typing import Any

from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.customers.models import Customer

from ..models import Category, Conversation, Event


def fields_for_event(values: dict[str, Any]) -> dict[str, Any]:
    """Field values as an event keeps them: a category by its name, which reads in the timeline and survives it."""
    return {k: v.name if isinstance(v, Category) else v for k, v in values.items()}


def record_event(
    *,
    kind: str,
    actor: Agent | None,
    conversation: Conversation | None = None,
    customer: Customer | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    """Write one audit row; every service that changes something calls this. `at`: when it happened, if not now."""
    # The id is enough: reading conversation.customer here cost a query per event on a re-read conversation.
    customer_id = customer.pk if customer is not None else conversation.customer_id if conversation else None
    return Event.objects.create(
        kind=kind,
        actor=actor,
        conversation=conversation,
        customer_id=customer_id,
        before=before or {},
        after=after or {},
        created_at=at or timezone.now(),
    )
