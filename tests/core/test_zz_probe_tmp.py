import pytest

pytestmark = pytest.mark.django_db


def test_probe(api):
    r = api.get("/conversations", limit=500)
    print(r.status_code, r.json())
    r = api.post("/conversations", {"text": "", "customer": {"name": "x"}, "level": 0, "channel": "fax"})
    print(r.status_code, r.json())
    r = api.get("/customers/by-identity", kind="bogus", value="x")
    print(r.status_code, r.json())
    from django.test import Client

    r = Client().get("/api/v1/openapi.json")
    print(r.status_code, list(r.json()["paths"]))
    r = Client().get("/api/v1/conversations")
    print(r.status_code, r.json())
