"""API authentication: a per-agent bearer token for integrations, the session for the UI."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from unstuck.accounts.models import Agent
from unstuck.accounts.selectors import find_agent_by_token, find_agent_for_user


class AuthedRequest(HttpRequest):
    agent: Agent


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Agent | None:
        agent = find_agent_by_token(token)
        if agent is not None:
            request.agent = agent  # type: ignore[attr-defined]
        return agent


class AgentSessionAuth(SessionAuth):
    """The logged-in agent's session (CSRF-checked), used by the UI's own calls."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        agent = find_agent_for_user(request.user)
        if agent is not None:
            request.agent = agent  # type: ignore[attr-defined]
        return agent


def current_agent(request: HttpRequest) -> Agent:
    return request.agent  # type: ignore[attr-defined,no-any-return]
