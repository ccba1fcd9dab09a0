"""Personas (agent, lead, admin) and an API client authenticated with a real token."""

import json

import pytest
from django.test import Client

from unstuck.accounts.models import Role
from unstuck.accounts.services import issue_api_token

from .accounts.factories import PASSWORD, AgentFactory


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright keeps an event loop in the main thread until the session ends, which
    async tests (asgiref's AsyncToSync) cannot share."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(autouse=True)
def _fresh_memos():
    """Desk settings are remembered per process (core.memo); a test's saved ones must not leak into the next."""
    from unstuck.core.memo import forget_all

    forget_all()
    yield
    forget_all()


@pytest.fixture
def agent(db):
    return AgentFactory(user__first_name="Maya", user__last_name="Lind", user__username="maya")


@pytest.fixture
def other_agent(db):
    return AgentFactory(user__first_name="Tom", user__last_name="Reyes", user__username="tom")


@pytest.fixture
def lead(db):
    return AgentFactory(role=Role.LEAD, user__first_name="Lena", user__last_name="Park", user__username="lena")


@pytest.fixture
def admin(db):
    return AgentFactory(role=Role.ADMIN, user__first_name="Ada", user__last_name="Admin", user__username="ada")


class ApiClient:
    """JSON calls to /api/v1 with a bearer token."""

    def __init__(self, key: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"}

    def _call(self, method: str, path: str, body=None, **params):
        url = f"/api/v1{path}"
        kwargs = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif params:
            kwargs["data"] = params
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path: str, **params):
        return self._call("get", path, **params)

    def post(self, path: str, body=None):
        return self._call("post", path, body if body is not None else {})

    def patch(self, path: str, body):
        return self._call("patch", path, body)

    def put(self, path: str, body):
        return self._call("put", path, body)


def api_client_for(agent) -> ApiClient:
    _, key = issue_api_token(agent, name="tests", actor=agent)
    return ApiClient(key)


@pytest.fixture
def api(agent):
    return api_client_for(agent)


@pytest.fixture
def lead_api(lead):
    return api_client_for(lead)


@pytest.fixture
def web(agent):
    """A browser-less client signed in as the agent."""
    client = Client()
    assert client.login(username=agent.user.username, password=PASSWORD)
    return client


@pytest.fixture
def lead_web(lead):
    client = Client()
    assert client.login(username=lead.user.username, password=PASSWORD)
    return client
