from collections.abc import Iterable

from django.db import transaction

from unstuck.accounts.models import Agent, Role
from unstuck.accounts.permissions import require_role
from unstuck.core.errors import Conflict, DomainError
from unstuck.search import engine

from .identities import normalize_identity
from .models import Customer, Identity


@transaction.atomic
def find_or_create_customer(*, identities: Iterable[tuple[str, str]], name: str = "", company: str = "") -> Customer:
    """The customer any of these identities belongs to, with the others added; a new one if none matches."""
    normalized = [(kind, normalize_identity(kind, value)) for kind, value in identities]
    if not normalized:
        raise DomainError("identity_required", "A customer needs at least one email, phone, handle or external id.")
    matches = {
        identity.customer_id: identity.customer
        for kind, value in normalized
        for identity in Identity.objects.select_related("customer").filter(kind=kind, value=value)
    }
    if matches:
        # With two known people in one message, the first identity's owner wins; merging is a person's call.
        customer = next(iter(matches.values()))
    else:
        customer = Customer.objects.create(name=name.strip()[:200], company=company.strip()[:200])
    if name and not customer.name:
        customer.name = name.strip()[:200]
        customer.save(update_fields=["name", "updated_at"])
    for kind, value in normalized:
        Identity.objects.get_or_create(kind=kind, value=value, defaults={"customer": customer})
    index_customer(customer)
    return customer


def index_customer(customer: Customer) -> None:
    """Customers are found by name, company or any identity in the global search."""
    values = " ".join(customer.identities.values_list("value", flat=True))
    engine.index("customer", customer.pk, title=customer.name, body=f"{customer.company} {values}")


@transaction.atomic
def add_identity(customer: Customer, *, kind: str, value: str) -> Identity:
    value = normalize_identity(kind, value)
    existing = Identity.objects.filter(kind=kind, value=value).first()
    if existing and existing.customer_id != customer.pk:
        raise Conflict("identity_taken", f"{value} already belongs to another customer; merge the two instead.")
    identity, _ = Identity.objects.get_or_create(kind=kind, value=value, defaults={"customer": customer})
    index_customer(customer)
    return identity


@transaction.atomic
def merge_customers(source: Customer, *, into: Customer, actor: Agent) -> Customer:
    """One person, one timeline: identities and conversations move to `into`, and the move is audited."""
    from unstuck.conversations import services as conversation_services

    require_role(actor, Role.LEAD, "merge customers")
    if source.pk == into.pk:
        raise DomainError("same_customer", "A customer cannot be merged into itself.")
    moved_identities = list(source.identities.values_list("kind", "value"))
    source.identities.update(customer=into)
    moved = conversation_services.move_conversations_to_customer(source=source, target=into, actor=actor)
    if not into.company and source.company:
        into.company = source.company
        into.save(update_fields=["company", "updated_at"])
    conversation_services.record_event(
        kind="customer.merged",
        actor=actor,
        customer=into,
        before={"customer_id": source.pk, "name": source.name},
        after={
            "customer_id": into.pk,
            "identities": [f"{k}:{v}" for k, v in moved_identities],
            "conversations": moved,
        },
    )
    engine.remove("customer", [source.pk])
    source.delete()
    index_customer(into)
    return into
