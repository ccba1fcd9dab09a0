"""GET /api/v1/triage/conversations/{id}: the latest decision with its reasons and model version."""

import pytest

from tests.conversations.factories import new_conversation

from .factories import inbound

pytestmark = pytest.mark.django_db


def test_latest_decision_with_reasons(api):
    conversation = inbound("I was charged twice for my subscription, please refund me").conversation
    inbound("Any news? I need the money back today", conversation=conversation)

    response = api.get(f"/triage/conversations/{conversation.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["level"] == 2 and body["conversation_id"] == conversation.pk
    assert "today" in body["reasons"]["urgency"]
    assert body["model_version"].startswith("starter-")
    assert body["burst_window_minutes"] == 30


def test_unknown_conversation_is_404(api):
    assert api.get("/triage/conversations/999999").json()["code"] == "not_found"


def test_requires_a_token(client):
    conversation = new_conversation()
    assert client.get(f"/api/v1/triage/conversations/{conversation.pk}").status_code == 401
