"""The public suggestion API and visitor signals, and the agents' article-use endpoint."""

import json

import pytest
from django.test import Client

from tests.conversations.factories import new_conversation
from unstuck.helpcenter.models import ArticleUse, Visibility, VisitSession

from .factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def public():
    return Client()


def post(client: Client, path: str, body: dict):
    return client.post(f"/api/v1/help{path}", data=json.dumps(body), content_type="application/json")


def test_suggest_needs_no_login_and_returns_the_top_five_with_urls_and_snippets(public):
    for n in range(7):
        article(f"Refund question {n}", "How refunds work.")
    first = article("Refunds and how long they take", "Refunds reach your card in 5 days.")

    response = public.get("/api/v1/help/suggest", {"q": "refunds take"})

    assert response.status_code == 200
    results = response.json()
    assert len(results) == 5
    assert results[0]["id"] == first.pk
    assert results[0]["url"] == f"http://testserver/help/billing/{first.slug}/"
    assert set(results[0]) == {"id", "title", "url", "snippet", "category"}
    assert "<mark>" in results[0]["snippet"]


def test_suggest_records_impressions_for_a_session(public):
    refund = article()

    public.get("/api/v1/help/suggest", {"q": "refund", "session": "visitor-0001"})

    session = VisitSession.objects.get(key="visitor-0001")
    assert list(session.events.values_list("article_id", "kind")) == [(refund.pk, "impression")]


def test_suggest_rejects_bad_parameters_with_json_errors(public):
    response = public.get("/api/v1/help/suggest", {"q": "refund", "limit": 50})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"

    article()
    response = public.get("/api/v1/help/suggest", {"q": "refund", "session": "bad session!"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_session"


def test_empty_queries_suggest_nothing(public):
    article()
    assert public.get("/api/v1/help/suggest", {"q": "  "}).json() == []


def test_click_then_submit_marks_the_session(public):
    refund = article()

    clicked = post(public, "/clicks", {"session": "visitor-0001", "article_id": refund.pk, "query": "refund"})
    assert clicked.status_code == 201
    assert clicked.json() == {"session": "visitor-0001", "clicked": True, "submitted": False}

    submitted = post(public, "/sessions/submitted", {"session": "visitor-0001"})
    assert submitted.json() == {"session": "visitor-0001", "clicked": True, "submitted": True}


def test_clicks_on_hidden_or_missing_articles_are_404_json(public):
    internal = article(visibility=Visibility.INTERNAL)

    for article_id in (internal.pk, 999_999):
        response = post(public, "/clicks", {"session": "visitor-0001", "article_id": article_id})
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_session_ids_are_validated(public):
    response = post(public, "/sessions/submitted", {"session": "x"})
    assert response.status_code == 422
    assert "session" in response.json()["detail"]


def test_vote_api_counts_one_vote_per_session(public):
    refund = article()

    post(public, f"/articles/{refund.pk}/vote", {"session": "visitor-0001", "helpful": True})
    response = post(public, f"/articles/{refund.pk}/vote", {"session": "visitor-0001", "helpful": True})

    assert response.json() == {"article_id": refund.pk, "helpful": True, "helpful_yes": 1, "helpful_no": 0}


def test_recording_an_article_use_needs_an_agent(public, api, agent):
    refund = article()
    conversation = new_conversation(subject="Refund missing", text="Where is my refund?")

    refused = post(public, f"/articles/{refund.pk}/uses", {"conversation_id": conversation.pk})
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthorized"

    response = api.post(f"/help/articles/{refund.pk}/uses", {"conversation_id": conversation.pk, "mode": "text"})
    assert response.status_code == 201
    use = ArticleUse.objects.get()
    assert (use.agent, use.mode, use.conversation_id) == (agent, "text", conversation.pk)
    assert "Where is my refund?" in use.context

    missing = api.post(f"/help/articles/{refund.pk}/uses", {"conversation_id": 999_999})
    assert missing.status_code == 404


def test_deflection_report_api(api, public):
    refund = article()
    post(public, "/clicks", {"session": "visitor-0001", "article_id": refund.pk})

    body = api.get("/help/deflection").json()

    assert (body["sessions_clicked"], body["in_progress"], body["deflected"]) == (1, 1, 0)
