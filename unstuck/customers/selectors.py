from django.db.models import Count, QuerySet

from unstuck.core.errors import NotFound

from .identities import normalize_identity
from .models import Customer, Identity


def get_customer(customer_id: int) -> Customer:
    try:
        return Customer.objects.prefetch_related("identities").get(pk=customer_id)
    except Customer.DoesNotExist as error:
        raise NotFound(f"Customer {customer_id}") from error


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
