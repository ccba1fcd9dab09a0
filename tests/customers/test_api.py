"""The customers REST API, /api/v1/customers: look-up by identity and merging two records of one person."""

import pytest

from unstuck.conversations.models import Conversation, Event
from unstuck.customers.models import Customer, Identity

from ..conversations.factories import new_conversation
from .factories import customer_with_email

pytestmark = pytest.mark.django_db


def test_by_identity_finds_the_customer_whatever_the_case_of_the_email(api):
    customer = customer_with_email("mixed@example.com", name="Mia Mixed")

    response = api.get("/customers/by-identity", kind="email", value="MiXeD@Example.com")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["name"], body["identities"]) == (
        customer.pk,
        "Mia Mixed",
        [{"kind": "email", "value": "mixed@example.com"}],
    )


def test_by_identity_for_an_unknown_person_is_404(api):
    customer_with_email("dana@example.com")

    response = api.get("/customers/by-identity", kind="email", value="nobody@example.com")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "detail": "A customer with email 'nobody@example.com' was not found.",
    }


def test_by_identity_with_an_unknown_kind_is_422(api):
    response = api.get("/customers/by-identity", kind="fax", value="12345678")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["detail"].startswith("kind: ")


def test_get_customer_returns_name_and_identities(api):
    customer = customer_with_email("dana@example.com", name="Dana Example")

    response = api.get(f"/customers/{customer.pk}")

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["identities"]) == (
        "Dana Example",
        [{"kind": "email", "value": "dana@example.com"}],
    )


@pytest.fixture
def two_records_of_dana():
    """Dana wrote from work and from home, and became two customers."""
    work = new_conversation(email="dana@work.example", subject="From work")
    home = new_conversation(email="dana@home.example", subject="From home")
    return work.customer, home.customer


def test_lead_merge_moves_identities_and_conversations_and_deletes_the_source(lead_api, two_records_of_dana):
    source, into = two_records_of_dana

    response = lead_api.post(f"/customers/{source.pk}/merge", {"into_id": into.pk})

    assert response.status_code == 200
    assert response.json()["id"] == into.pk
    assert sorted(Identity.objects.filter(customer=into).values_list("value", flat=True)) == [
        "dana@home.example",
        "dana@work.example",
    ]
    assert sorted(Conversation.objects.filter(customer=into).values_list("subject", flat=True)) == [
        "From home",
        "From work",
    ]
    assert not Customer.objects.filter(pk=source.pk).exists()


def test_lead_merge_writes_a_customer_merged_event(lead_api, lead, two_records_of_dana):
    source, into = two_records_of_dana

    lead_api.post(f"/customers/{source.pk}/merge", {"into_id": into.pk})

    event = Event.objects.get(kind="customer.merged")
    assert (event.actor, event.customer, event.before["customer_id"]) == (lead, into, source.pk)
    assert event.after["identities"] == ["email:dana@work.example"]


def test_lead_merge_response_lists_the_moved_identities(lead_api, two_records_of_dana):
    source, into = two_records_of_dana

    response = lead_api.post(f"/customers/{source.pk}/merge", {"into_id": into.pk})

    assert sorted(i["value"] for i in response.json()["identities"]) == ["dana@home.example", "dana@work.example"]


def test_agent_may_not_merge_customers(api, two_records_of_dana):
    source, into = two_records_of_dana

    response = api.post(f"/customers/{source.pk}/merge", {"into_id": into.pk})

    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "detail": "Only a lead can merge customers."}
    assert Identity.objects.get(value="dana@work.example").customer == source
    assert not Event.objects.filter(kind="customer.merged").exists()
