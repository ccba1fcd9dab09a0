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
    found = [
        identity
        for kind, value in normalized
        for identity in Identity.objects.select_related("customer").filter(kind=kind, value=value)
    ]
    matches = {identity.customer_id: identity.customer for identity in found}
    changed = not matches
    if matches:
        # With two known people in one message, the first identity's owner wins; merging is a person's call.
        customer = next(iter(matches.values()))
    else:
        customer = Customer.objects.create(name=name.strip()[:200], company=company.strip()[:200])
    if name and not customer.name:
        customer.name = name.strip()[:200]
        customer.save(update_fields=["name", "updated_at"])
        changed = True
    known = {(identity.kind, identity.value) for identity in found}  # taken already, by this customer or another
    new = [
        Identity(customer=customer, kind=kind, value=value) for kind, value in normalized if (kind, value) not in known
    ]
    if new:  # one statement; an identity another process added meanwhile stays with its customer
        Identity.objects.bulk_create(new, ignore_conflicts=True)
        changed = True
    if changed:  # re-indexing on every message of a known customer was most of the cost of filing mail
        index_customer(customer, values=None if matches else [value for _, value in normalized])
    return customer


def index_customer(customer: Customer, *, values: list[str] | None = None) -> None:
    """Customers are found by name, company or any identity in the global search (`values` when known)."""
    if values is None:
        values = list(customer.identities.values_list("value", flat=True))
    engine.index("customer", customer.pk, title=customer.name, body=f"{customer.company} {' '.join(values)}")


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
    require_role(actor, Role.LEAD, "merge customers")
    return _merge(source, into=into, actor=actor)


def _merge(source: Customer, *, into: Customer, actor: Agent | None, reason: str = "") -> Customer:
    from unstuck.conversations import services as conversation_services

    if source.pk == into.pk:
        raise DomainError("same_customer", "A customer cannot be merged into itself.")
    moved_identities = list(source.identities.values_list("kind", "value"))
    source.identities.update(customer=into)
    moved = conversation_services.move_conversations_to_customer(source=source, target=into, actor=actor)
    if not into.company and source.company:
        into.company = source.company
        into.save(update_fields=["company", "updated_at"])
    after: dict[str, object] = {
        "customer_id": into.pk,
        "identities": [f"{k}:{v}" for k, v in moved_identities],
        "conversations": moved,
    }
    if reason:
        after["reason"] = reason
    conversation_services.record_event(
        kind="customer.merged",
        actor=actor,
        customer=into,
        before={"customer_id": source.pk, "name": source.name},
        after=after,
    )
    engine.remove("customer", [source.pk])
    source.delete()
    index_customer(into)
    return into


@transaction.atomic
def claim_identity(customer: Customer, *, kind: str, value: str, reason: str) -> Customer:
    """The customer tells us another identity of theirs (a chat visitor leaving an email).

    A new identity is added; one that already belongs to someone means they are the same person, so this
    customer merges into that one (the older record keeps its name and history). Returns who they are now.
    """
    value = normalize_identity(kind, value)
    existing = Identity.objects.select_related("customer").filter(kind=kind, value=value).first()
    if existing is None:
        Identity.objects.create(customer=customer, kind=kind, value=value)
        index_customer(customer)
        return customer
    if existing.customer_id == customer.pk:
        return customer
    return _merge(customer, into=existing.customer, actor=None, reason=reason)


@transaction.atomic
def split_identity(customer: Customer, *, identity: Identity, actor: Agent) -> Customer:
    """Undo a wrong merge: the identity becomes a customer of its own and takes its conversations along.

    Which conversations go is decided by `selectors.list_conversation_ids_from_identity`.
    """
    from unstuck.conversations import services as conversation_services

    require_role(actor, Role.LEAD, "split customers")
    identity = Identity.objects.select_for_update().get(pk=identity.pk)
    if identity.customer_id != customer.pk:
        raise DomainError("identity_not_here", f"{identity.value} does not belong to {customer}.")
    if customer.identities.count() < 2:
        raise DomainError("last_identity", "This is the customer's only identity; there is nothing to split off.")
    from . import selectors

    conversation_ids = selectors.list_conversation_ids_from_identity(customer, identity)
    new = Customer.objects.create(name=selectors.name_before_merge(identity))
    identity.customer = new
    identity.save(update_fields=["customer", "updated_at"])
    moved = conversation_services.move_conversations_to_customer(
        source=customer, target=new, actor=actor, only=conversation_ids, reason="identity split off"
    )
    conversation_services.record_event(
        kind="customer.split",
        actor=actor,
        customer=customer,
        before={"customer_id": customer.pk, "identity": str(identity)},
        after={"customer_id": new.pk, "identity": str(identity), "conversations": moved},
    )
    index_customer(customer)
    index_customer(new)
    return new
