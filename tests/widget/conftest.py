import json

import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


class WidgetClient:
    """What embed.js does: JSON to /api/v1/widget with the visitor token header, from another origin."""

    def __init__(self, origin: str = "https://shop.example") -> None:
        self.client = Client(HTTP_ORIGIN=origin)
        self.token = ""

    def start(self, token: str = ""):
        response = self.post("/session", {"token": token})
        self.token = response.json()["token"]
        return response

    def post(self, path: str, body: dict | None = None, **headers):
        if self.token:
            headers.setdefault("HTTP_X_VISITOR_TOKEN", self.token)
        return self.client.post(
            f"/api/v1/widget{path}", data=json.dumps(body or {}), content_type="application/json", **headers
        )

    def say(self, text: str):
        response = self.post("/messages", {"text": text})
        assert response.status_code == 200, response.content
        return response.json()

    def stream(self, last_id: int = 0, **headers):
        return self.client.get(f"/api/v1/widget/stream?token={self.token}&last_id={last_id}", **headers)


@pytest.fixture
def visitor(db) -> WidgetClient:
    client = WidgetClient()
    client.start()
    return client
