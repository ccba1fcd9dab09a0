from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet

from unstuck.core.errors import NotFound

from .identities import normalize_identity
from .models import Customer, Identity


def get_customer(customer_id: int) -> Customer:
    try:
        return Customer.objects.prefetch_related("identities").get(pk=customer_id)
    except Customer.DoesNotExist as error:
        raise NotFound(f"Customer {customer_id}") from error


def get_identity(customer: Customer, identity_id: int) -> Identity:
    try:
        return customer.identities.get(pk=identity_id)
    except Identity.DoesNotExist as error:
        raise NotFound(f"Identity {identity_id} of {customer}") from error


def count_channels(conversations: Iterable[Any]) -> list[tuple[str, int]]:
    """How many of the customer's conversations ran on each channel, for the timeline's summary line."""
    counts = Counter(c.get_channel_display() for c in conversations)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def find_customer_by_identity(kind: str, value: str) -> Customer | None:
    identity = (
        Identity.objects.select_related("customer").filter(kind=kind, value=normalize_identity(kind, value)).first()
    )
    return identity.customer if identity else None


def get_customer_by_identity(kind: str, value: str) -> Customer:
    customer = find_customer_by_identity(kind, value)
    if customer is None:
        raise NotFound(f"A customer with {kind} {value!r}")
    return customer


def list_customers() -> QuerySet[Customer]:
    return Customer.objects.prefetch_related("identities").annotate(conversation_count=Count("conversations"))


def primary_email(customer: Customer) -> str | None:
    for identity in customer.identities.all():
        if identity.kind == "email":
            return identity.value
    return None


def _merges_bringing(identity: Identity) -> list[dict[str, object]]:
    """The `customer.merged` audit rows that moved this identity, oldest first (a merge chain lists it twice)."""
    from unstuck.conversations.models import Event

    label = f"{identity.kind}:{identity.value}"
    events = Event.objects.filter(kind="customer.merged", created_at__gte=identity.created_at).order_by("created_at")
    return [
        {"before": event.before, "after": event.after}
        for event in events.only("before", "after")
        if label in (event.after.get("identities") or [])
    ]


def list_conversation_ids_from_identity(customer: Customer, identity: Identity) -> list[int]:
    """The customer's conversations that came in through this identity, so a split can take them along.

    Messages do not yet record which identity they came from, so the audit trail decides: conversations
    moved by every merge that brought this identity here (in a chain A→B→C, only A's conversations are in
    both merges). Conversations started after the merge stay with the customer.
    """
    from unstuck.conversations.models import Conversation

    merges = _merges_bringing(identity)
    if not merges:
        return []
    common = set.intersection(*({int(i) for i in m["after"]["conversations"]} for m in merges))  # type: ignore[index]
    mine = Conversation.objects.filter(customer=customer, pk__in=common).order_by("pk")
    return list(mine.values_list("pk", flat=True))


def name_before_merge(identity: Identity) -> str:
    """The name the identity's own record had before it was merged away, if the audit trail knows it."""
    merges = _merges_bringing(identity)
    return str(merges[0]["before"].get("name") or "") if merges else ""  # type: ignore[attr-defined]
