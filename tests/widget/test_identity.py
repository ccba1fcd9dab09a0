"""One customer: identities claimed by a chat visitor, merged by a lead, and split off again."""

import uuid

import pytest

from tests.accounts.factories import PASSWORD
from tests.conversations.factories import new_conversation
from unstuck.conversations.models import Event
from unstuck.core.errors import DomainError, Forbidden
from unstuck.customers import selectors, services
from unstuck.customers.models import Customer, Identity
from unstuck.widget import services as widget_services

pytestmark = pytest.mark.django_db


def person(email: str, subject: str, name: str = "Dana Example"):
    """A customer with one conversation from that address."""
    conversation = new_conversation(email=email, subject=subject, name=name)
    return conversation.customer, conversation


def test_claiming_a_new_identity_adds_it_and_a_known_one_merges_without_an_actor():
    visitor = services.find_or_create_customer(identities=[("external_id", "visitor:abc")])
    known, _ = person("kim@example.com", "Refund")

    assert services.claim_identity(visitor, kind="email", value="kim@example.com", reason="test") == known
    assert not Customer.objects.filter(pk=visitor.pk).exists()
    assert selectors.find_customer_by_identity("external_id", "visitor:abc") == known

    same = services.claim_identity(known, kind="email", value="KIM@example.com", reason="test")
    assert same == known and known.identities.filter(kind="email").count() == 1


def test_a_lead_splits_off_a_wrongly_merged_identity_with_its_conversations(lead):
    dana, dana_conv = person("dana@example.com", "Export broken")
    dan, dan_conv = person("dan@example.com", "Invoice wrong", name="Dan Other")
    services.merge_customers(dan, into=dana, actor=lead)
    later = new_conversation(email="dana@example.com", subject="Another question")

    identity = Identity.objects.get(value="dan@example.com")
    assert selectors.list_conversation_ids_from_identity(dana, identity) == [dan_conv.pk]
    new = services.split_identity(dana, identity=identity, actor=lead)

    assert new.pk != dana.pk
    assert list(new.identities.values_list("value", flat=True)) == ["dan@example.com"]
    assert list(new.conversations.values_list("pk", flat=True)) == [dan_conv.pk]
    assert set(dana.conversations.values_list("pk", flat=True)) == {dana_conv.pk, later.pk}
    assert new.name == "Dan Other"  # the name the split-off record had before the merge
    assert dan_conv.messages.get().author_customer == new
    split = Event.objects.get(kind="customer.split")
    assert (split.actor, split.customer, split.after["conversations"]) == (lead, dana, [dan_conv.pk])
    assert Event.objects.filter(kind="conversation.customer_changed", conversation=dan_conv).count() == 2


def test_a_split_after_a_chain_of_merges_takes_only_that_identitys_conversations(lead):
    a, a_conv = person("a@example.com", "A's problem")
    b, b_conv = person("b@example.com", "B's problem")
    c, c_conv = person("c@example.com", "C's problem")
    services.merge_customers(a, into=b, actor=lead)
    services.merge_customers(b, into=c, actor=lead)

    new = services.split_identity(c, identity=Identity.objects.get(value="a@example.com"), actor=lead)

    assert list(new.conversations.values_list("pk", flat=True)) == [a_conv.pk]
    assert set(c.conversations.values_list("pk", flat=True)) == {b_conv.pk, c_conv.pk}


def test_a_chat_visitor_who_gave_a_known_email_can_be_split_off_again(lead):
    known, _ = person("kim@example.com", "Earlier question")
    key = uuid.UUID(int=7)
    message = widget_services.post_visitor_message(key=key, text="Someone typed Kim's email", ip="1.2.3.4")
    widget_services.leave_email(key=key, email="kim@example.com")
    visitor_identity = Identity.objects.get(kind="external_id")
    assert visitor_identity.customer == known

    new = services.split_identity(known, identity=visitor_identity, actor=lead)

    assert list(new.conversations.values_list("pk", flat=True)) == [message.conversation_id]


def test_split_refuses_agents_the_last_identity_and_someone_elses_identity(agent, lead):
    dana, _ = person("dana@example.com", "Export broken")
    other, _ = person("other@example.com", "Other")
    only = dana.identities.get()

    with pytest.raises(Forbidden):
        services.split_identity(dana, identity=only, actor=agent)
    with pytest.raises(DomainError, match="last_identity"):
        services.split_identity(dana, identity=only, actor=lead)
    with pytest.raises(DomainError, match="identity_not_here"):
        services.split_identity(dana, identity=other.identities.get(), actor=lead)


def test_the_customer_page_offers_a_lead_the_split_with_what_it_takes_along(client, lead, agent):
    dana, _ = person("dana@example.com", "Export broken")
    dan, dan_conv = person("dan@example.com", "Invoice wrong")
    services.merge_customers(dan, into=dana, actor=lead)
    identity = Identity.objects.get(value="dan@example.com")

    client.login(username=agent.user.username, password=PASSWORD)
    assert 'id="split-identity"' not in client.get(f"/customers/{dana.pk}/").content.decode()

    client.login(username=lead.user.username, password=PASSWORD)
    page = client.get(f"/customers/{dana.pk}/").content.decode()
    assert 'id="split-identity"' in page and f"Takes 1 conversation: #{dan_conv.pk}" in page
    assert 'id="channel-summary"' in page and "Email 2" in page

    response = client.post(f"/customers/{dana.pk}/split/", {"identity": identity.pk}, follow=True)
    new = Identity.objects.get(pk=identity.pk).customer
    assert response.redirect_chain[-1][0] == f"/customers/{new.pk}/"
    assert "Split dan@example.com off into a customer of its own, with 1 conversation." in response.content.decode()


def test_an_agent_posting_a_split_gets_a_readable_refusal(client, agent, lead):
    dana, _ = person("dana@example.com", "Export broken")
    dan, _ = person("dan@example.com", "Invoice wrong")
    services.merge_customers(dan, into=dana, actor=lead)
    client.login(username=agent.user.username, password=PASSWORD)

    response = client.post(
        f"/customers/{dana.pk}/split/", {"identity": Identity.objects.get(value="dan@example.com").pk}, follow=True
    )

    assert "Only a lead can split customers." in response.content.decode()
    assert Customer.objects.count() == 1
