"""Momentum in the workspace and over the API: the banner and the drafted update, promises from the
composer, scope checks, calls, collaborators, nudges, the lead's view and the SLA settings."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from unstuck.conversations.models import Conversation
from unstuck.momentum.models import Call, Collaborator, LevelPolicy, Promise, ScopeCheck
from unstuck.momentum.services.sweep import sweep

from ..conversations.factories import new_conversation, owned_conversation


def overdue_conversation(agent) -> Conversation:
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        conversation = owned_conversation(agent, level=1)
    sweep()
    conversation.refresh_from_db()
    return conversation


def test_an_overdue_conversation_shows_the_banner_and_the_bell(web, agent):
    conversation = overdue_conversation(agent)
    page = web.get(f"/c/{conversation.pk}/").content.decode()
    assert 'id="nudge-banner"' in page
    assert "past the update deadline" in page
    assert 'id="nudge-count">1<' in page
    nudges = web.get("/nudges/").content.decode()
    assert conversation.subject in nudges and "Update overdue" in nudges


def test_draft_fills_the_composer_with_an_update_and_a_promise(web, agent):
    conversation = overdue_conversation(agent)
    response = web.get(f"/c/{conversation.pk}/draft/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="composer"' in html
    assert "Hi Dana," in html
    assert 'value="custom" selected' in html
    assert "Drafted from" in html


def test_send_with_a_promise_from_the_composer_resets_the_clock(web, agent):
    conversation = overdue_conversation(agent)
    promise_at = (timezone.localtime(timezone.now()) + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    web.post(
        f"/c/{conversation.pk}/send/",
        {
            "kind": "reply",
            "text": "Quick update: the fix is rolling out.",
            "promise": "custom",
            "promise_at": promise_at,
        },
    )
    conversation.refresh_from_db()
    promise = Promise.objects.get()
    assert conversation.due_at == promise.due_at > timezone.now()
    assert conversation.messages.filter(kind="outbound").last().text.startswith("Quick update")
    assert "I'll write again by" in conversation.messages.filter(kind="outbound").last().text


def test_scope_check_collaborator_and_call_from_the_page(web, agent, other_agent):
    conversation = owned_conversation(agent)
    web.post(f"/c/{conversation.pk}/scope/start/", {"minutes": "25"})
    assert ScopeCheck.objects.get().minutes == 25
    assert "Scope check" in web.get(f"/c/{conversation.pk}/").content.decode()
    web.post(
        f"/c/{conversation.pk}/scope/finish/",
        {"finding": "custom", "third_party": "", "direction": "Their own sync script drops rows; send them the fix"},
    )
    assert ScopeCheck.objects.get().finding == "custom"
    web.post(f"/c/{conversation.pk}/collaborators/", {"agent": other_agent.pk})
    assert Collaborator.objects.get().agent == other_agent
    web.post(
        f"/c/{conversation.pk}/calls/",
        {"started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "10", "attendees": "Dana"},
    )
    assert Call.objects.get().flagged
    page = web.get(f"/c/{conversation.pk}/").content.decode()
    assert "Call without outcome" in page


def test_htmx_action_errors_come_back_as_a_readable_toast(web, agent):
    conversation = owned_conversation(agent)
    response = web.post(
        f"/c/{conversation.pk}/scope/finish/",
        {"finding": "unclear", "direction": "Try again"},
        headers={"HX-Request": "true"},
    )
    assert "No scope check is running here." in response.headers["HX-Trigger"]


def test_lead_view_lists_overdue_and_flagged_calls_and_agents_cannot_see_it(lead_web, web, agent):
    conversation = overdue_conversation(agent)
    page = lead_web.get("/momentum/").content.decode()
    assert conversation.subject in page and "Felt stuck" in page
    assert web.get("/momentum/").status_code == 403


def test_sla_settings_lead_saves_a_target_and_an_agent_cannot(lead_web, web):
    response = lead_web.post(
        "/settings/sla/",
        {
            "form": "policy",
            "level": "2",
            "first_reply_minutes": "45",
            "update_minutes": "180",
            "resolution_minutes": "",
        },
    )
    assert response.status_code == 302
    policy = LevelPolicy.objects.get(level=2)
    assert (policy.first_reply_minutes, policy.update_minutes, policy.business_hours) == (45, 180, False)
    web.post("/settings/sla/", {"form": "policy", "level": "2", "first_reply_minutes": "5"})
    assert LevelPolicy.objects.get(level=2).first_reply_minutes == 45
    page = lead_web.get("/settings/sla/").content.decode()
    assert 'value="45"' in page
    bad = lead_web.post(
        "/settings/sla/",
        {"form": "calendar", "tz": "Nowhere/Land", "start": "09:00", "end": "17:00", "weekdays": ["0"]},
        follow=True,
    )
    assert "Unknown time zone" in bad.content.decode()


def test_api_momentum_state_and_nudges(api, agent):
    conversation = overdue_conversation(agent)
    body = api.get(f"/momentum/conversations/{conversation.pk}").json()
    assert body["due_state"] == "overdue"
    assert body["stuck_seconds"] > 0 and body["felt_stuck"] is True
    nudges = api.get("/momentum/nudges").json()
    assert [n["conversation_id"] for n in nudges] == [conversation.pk]


def test_api_reply_with_a_promise_and_bad_promises_are_4xx(api, agent):
    conversation = owned_conversation(agent, level=3)
    due = (timezone.now() + timedelta(hours=1)).isoformat()
    ok = api.post(f"/conversations/{conversation.pk}/messages", {"text": "Checking now.", "promise_due": due})
    assert ok.status_code == 201
    assert "I'll write again by" in ok.json()["text"]
    past = api.post(
        f"/conversations/{conversation.pk}/messages", {"text": "Later.", "promise_due": "2020-01-01T00:00:00Z"}
    )
    assert past.status_code == 400 and past.json()["code"] == "promise_in_past"


def test_api_policies_leads_only_with_json_errors(api, lead_api):
    assert len(api.get("/momentum/policies").json()) == 5
    refused = api.put("/momentum/policies/1", {"first_reply_minutes": 10, "business_hours": False})
    assert refused.status_code == 403 and refused.json()["code"]
    invalid = lead_api.put("/momentum/policies/1", {"first_reply_minutes": 0, "business_hours": False})
    assert invalid.status_code == 422
    saved = lead_api.put(
        "/momentum/policies/1", {"first_reply_minutes": 10, "update_minutes": 20, "business_hours": False}
    )
    assert saved.json()["first_reply_minutes"] == 10


def test_a_new_conversation_without_routing_shows_no_banner_until_owned(web):
    conversation = new_conversation(level=1)
    assert 'id="nudge-banner"' not in web.get(f"/c/{conversation.pk}/").content.decode()
