"""The agents REST API, and who may do what: agents work their own conversations, leads steer, admins run."""

import pytest
from django.contrib.auth import get_user_model

from unstuck.accounts import services
from unstuck.accounts.models import Agent, Role
from unstuck.core.errors import Forbidden

from ..conversations.factories import new_conversation, owned_conversation
from .factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_list_agents_shows_each_agent_with_role_and_teams(api, agent, lead):
    agent.teams.add(TeamFactory(name="Billing"))

    response = api.get("/agents")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": lead.pk,
            "username": "lena",
            "name": "Lena Park",
            "email": "lena@desk.example",
            "role": "lead",
            "teams": [],
            "is_available": True,
        },
        {
            "id": agent.pk,
            "username": "maya",
            "name": "Maya Lind",
            "email": "maya@desk.example",
            "role": "agent",
            "teams": ["Billing"],
            "is_available": True,
        },
    ]


# Reassigning a conversation someone else owns


def test_agent_may_not_take_over_another_agents_conversation(api, agent, other_agent):
    conversation = owned_conversation(other_agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"owner_id": agent.pk, "handoff_note": "Mine now"})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    conversation.refresh_from_db()
    assert (conversation.owner, conversation.handoff_count) == (other_agent, 0)


def test_lead_may_reassign_another_agents_conversation(lead_api, agent, other_agent):
    conversation = owned_conversation(other_agent)

    response = lead_api.patch(
        f"/conversations/{conversation.pk}", {"owner_id": agent.pk, "handoff_note": "Tom is on leave"}
    )

    assert response.status_code == 200
    conversation.refresh_from_db()
    assert (conversation.owner, conversation.handoff_count) == (agent, 1)


# Assigning an unowned conversation to someone else


def test_agent_may_not_assign_an_unowned_conversation_to_someone_else(api, other_agent):
    conversation = new_conversation()

    response = api.patch(f"/conversations/{conversation.pk}", {"owner_id": other_agent.pk})

    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "detail": "Only a lead can assign conversations to someone else.",
    }
    conversation.refresh_from_db()
    assert conversation.owner is None


def test_lead_may_assign_an_unowned_conversation_to_an_agent(lead_api, other_agent):
    conversation = new_conversation()

    response = lead_api.patch(f"/conversations/{conversation.pk}", {"owner_id": other_agent.pk})

    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.owner == other_agent


# Changing the status of someone else's conversation


def test_agent_may_not_change_the_status_of_another_agents_conversation(api, other_agent):
    conversation = owned_conversation(other_agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"status": "solved"})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    conversation.refresh_from_db()
    assert conversation.status == "open"


def test_lead_may_change_the_status_of_another_agents_conversation(lead_api, other_agent):
    conversation = owned_conversation(other_agent)

    response = lead_api.patch(f"/conversations/{conversation.pk}", {"status": "solved"})

    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.status == "solved"


# Merging conversations someone else owns (merging customers: tests/customers/test_api.py)


def test_agent_may_not_merge_conversations_owned_by_someone_else(api, other_agent):
    into = owned_conversation(other_agent, email="dana@example.com")
    source = owned_conversation(other_agent, email="dana@example.com")

    response = api.post(f"/conversations/{source.pk}/merge", {"into_id": into.pk})

    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "detail": "Only a lead can merge or split conversations owned by someone else.",
    }
    source.refresh_from_db()
    assert (source.status, source.merged_into_id) == ("open", None)


def test_lead_may_merge_conversations_owned_by_someone_else(lead_api, other_agent):
    into = owned_conversation(other_agent, email="dana@example.com")
    source = owned_conversation(other_agent, email="dana@example.com")

    response = lead_api.post(f"/conversations/{source.pk}/merge", {"into_id": into.pk})

    assert response.status_code == 200
    source.refresh_from_db()
    assert (source.status, source.merged_into_id) == ("closed", into.pk)


# Service-level: only admins add people and change roles


def new_agent_details(**overrides):
    details = {"username": "sam", "email": "sam@desk.example", "password": "correct-horse-battery"}
    return {**details, **overrides}


@pytest.mark.parametrize("role", [Role.AGENT, Role.LEAD])
def test_only_an_admin_may_create_an_agent(role, agent, lead):
    actor = {Role.AGENT: agent, Role.LEAD: lead}[role]

    with pytest.raises(Forbidden, match="can add agents"):
        services.create_agent(**new_agent_details(), actor=actor)

    assert not get_user_model().objects.filter(username="sam").exists()


def test_admin_creates_an_agent_with_role_and_login(admin):
    created = services.create_agent(**new_agent_details(first_name="Sam"), role=Role.LEAD, actor=admin)

    assert (created.role, created.user.username, created.email, created.display_name) == (
        "lead",
        "sam",
        "sam@desk.example",
        "Sam",
    )
    assert created.user.check_password("correct-horse-battery")


def test_lead_may_not_change_roles(lead, agent):
    with pytest.raises(Forbidden):
        services.change_role(agent, role=Role.LEAD, actor=lead)

    assert Agent.objects.get(pk=agent.pk).role == "agent"


def test_admin_changes_a_role(admin, agent):
    services.change_role(agent, role=Role.LEAD, actor=admin)

    assert Agent.objects.get(pk=agent.pk).role == "lead"


def test_admin_only_refusal_reads_only_an_admin(agent):
    with pytest.raises(Forbidden) as refused:
        services.create_agent(**new_agent_details(), actor=agent)

    assert refused.value.message == "Only an admin can add agents."
