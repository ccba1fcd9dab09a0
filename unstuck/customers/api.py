from ninja import Router

from unstuck.core.auth import AuthedRequest

from . import selectors, services
from .models import Customer, IdentityKind
from .schemas import CustomerMergeIn, CustomerOut

router = Router(tags=["customers"])


@router.get("/by-identity", response=CustomerOut)
def get_by_identity(request: AuthedRequest, kind: IdentityKind, value: str) -> Customer:
    """Look a person up by any email, phone, handle or external id they have used."""
    return selectors.get_customer_by_identity(kind, value)


@router.get("/{customer_id}", response=CustomerOut)
def get_customer(request: AuthedRequest, customer_id: int) -> Customer:
    return selectors.get_customer(customer_id)


@router.post("/{customer_id}/merge", response=CustomerOut)
def merge_customer(request: AuthedRequest, customer_id: int, payload: CustomerMergeIn) -> Customer:
    """Merge this customer into another: identities and conversations move, an audit event is written."""
    source = selectors.get_customer(customer_id)
    into = selectors.get_customer(payload.into_id)
    services.merge_customers(source, into=into, actor=request.agent)
    return selectors.get_customer(into.pk)
