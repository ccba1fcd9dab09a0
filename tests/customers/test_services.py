import pytest

from unstuck.conversations.models import Event
from unstuck.core.errors import Conflict, DomainError, Forbidden
from unstuck.customers import selectors, services
from unstuck.customers.identities import normalize_identity

from ..conversations.factories import new_conversation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("email", "  Dana.Example@Example.COM ", "dana.example@example.com"),
        ("phone", "+44 7700 900123", "+447700900123"),
        ("handle", "@BakeryBella", "@bakerybella"),
        ("external_id", "acct_48213", "acct_48213"),
    ],
)
def test_identities_are_stored_in_one_spelling(kind, raw, stored):
    assert normalize_identity(kind, raw) == stored


@pytest.mark.parametrize(("kind", "raw"), [("email", "not-an-email"), ("phone", "12"), ("handle", "a b"), ("fax", "1")])
def test_bad_identities_are_refused_with_a_reason(kind, raw):
    with pytest.raises(DomainError):
        normalize_identity(kind, raw)


def test_a_known_identity_finds_the_person_and_new_ones_are_added():
    customer = services.find_or_create_customer(identities=[("email", "dana@example.com")], name="Dana")

    again = services.find_or_create_customer(identities=[("email", "DANA@example.com"), ("phone", "+1 555 0100")])

    assert again.pk == customer.pk
    assert selectors.find_customer_by_identity("phone", "+15550100") == customer


def test_an_identity_belongs_to_one_customer_only():
    dana = services.find_or_create_customer(identities=[("email", "dana@example.com")])
    sam = services.find_or_create_customer(identities=[("email", "sam@example.com")])

    with pytest.raises(Conflict):
        services.add_identity(sam, kind="email", value="dana@example.com")
    assert selectors.find_customer_by_identity("email", "dana@example.com") == dana


def test_merge_moves_identities_and_conversations_and_is_audited(lead):
    a = new_conversation(email="dana@work.example").customer
    b = new_conversation(email="dana@home.example").customer

    merged = services.merge_customers(b, into=a, actor=lead)

    assert sorted(merged.identities.values_list("value", flat=True)) == [
        "dana@home.example",
        "dana@work.example",
    ]
    assert merged.conversations.count() == 2
    assert Event.objects.filter(kind="customer.merged", customer=merged).exists()


def test_agents_cannot_merge_customers(agent):
    a = new_conversation().customer
    b = new_conversation().customer

    with pytest.raises(Forbidden):
        services.merge_customers(b, into=a, actor=agent)


def test_merged_customer_is_found_by_search(lead):
    from unstuck.search import engine

    a = services.find_or_create_customer(identities=[("email", "dana@work.example")], name="Dana Quill")
    b = services.find_or_create_customer(identities=[("handle", "@quillbakes")], name="")

    services.merge_customers(b, into=a, actor=lead)

    assert [h.ref_id for h in engine.search("quillbakes", kinds=["customer"])] == [a.pk]
