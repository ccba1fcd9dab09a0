"""How /api/v1 says no: 401 without a valid token, 422 naming the bad field, and the OpenAPI document."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from unstuck.accounts.services import issue_api_token, revoke_api_token
from unstuck.conversations.models import Conversation

from ..conftest import ApiClient
from ..conversations.factories import api_create_body, owned_conversation

pytestmark = pytest.mark.django_db

UNAUTHORIZED = {"code": "unauthorized", "detail": "Send a valid API token: Authorization: Bearer <token>."}


# Authentication


def test_request_without_a_token_is_401(agent):
    response = Client().get("/api/v1/conversations")

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_request_with_a_wrong_token_is_401(agent):
    issue_api_token(agent, name="Zapier", actor=agent)

    response = ApiClient("unst_not-a-key-we-issued").get("/conversations")

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_request_with_a_revoked_token_is_401(agent):
    token, key = issue_api_token(agent, name="Zapier", actor=agent)
    revoke_api_token(token, actor=agent)

    response = ApiClient(key).get("/conversations")

    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_token_of_a_deactivated_agent_is_401(agent):
    _, key = issue_api_token(agent, name="Zapier", actor=agent)
    agent.user.is_active = False
    agent.user.save()

    response = ApiClient(key).get("/conversations")

    assert response.status_code == 401


def test_using_a_token_stamps_its_last_use(agent, time_machine):
    time_machine.move_to(datetime(2025, 3, 12, 10, 0, tzinfo=UTC), tick=False)
    token, key = issue_api_token(agent, name="Zapier", actor=agent)

    ApiClient(key).get("/conversations")

    token.refresh_from_db()
    assert token.last_used_at == datetime(2025, 3, 12, 10, 0, tzinfo=UTC)


def test_signed_in_session_may_read_the_api(web):
    response = web.get("/api/v1/conversations")

    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


# Validation: 422 {"code": "invalid_request", "detail": "<field>: <what is wrong>", "errors": [...]}


def assert_invalid(response, field: str) -> None:
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["detail"].startswith(f"{field}: "), body["detail"]
    assert [".".join(map(str, error["loc"][-len(field.split(".")) :])) for error in body["errors"]] == [field]


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        pytest.param("customer.email", {"customer": {"email": "dana.example.com"}}, id="bad-email"),
        pytest.param("customer", {"customer": {"name": "Dana Example"}}, id="no-identity"),
        pytest.param("subject", {"subject": "x" * 251}, id="subject-too-long"),
        pytest.param("text", {"text": ""}, id="empty-text"),
        pytest.param("level", {"level": 0}, id="level-0"),
        pytest.param("level", {"level": 6}, id="level-6"),
        pytest.param("channel", {"channel": "fax"}, id="unknown-channel"),
    ],
)
def test_create_with_an_invalid_field_is_422_naming_the_field(api, field, overrides):
    response = api.post("/conversations", api_create_body(**overrides))

    assert_invalid(response, field)
    assert not Conversation.objects.exists()


def test_missing_identity_says_which_identities_would_do(api):
    response = api.post("/conversations", api_create_body(customer={"name": "Dana Example"}))

    assert response.json()["detail"] == (
        "customer: Value error, give at least one of email, phone, handle or external_id"
    )


def test_patch_with_an_unknown_status_is_422_naming_the_field(api, agent):
    conversation = owned_conversation(agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"status": "done"})

    assert_invalid(response, "status")
    conversation.refresh_from_db()
    assert conversation.status == "open"


def test_list_with_a_limit_over_200_is_422_naming_the_field(api):
    response = api.get("/conversations", limit=201)

    assert_invalid(response, "limit")


# The OpenAPI document


def test_openapi_document_is_served_and_lists_the_main_paths():
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/conversations", "/api/v1/customers/by-identity", "/api/v1/agents"} <= set(paths)
