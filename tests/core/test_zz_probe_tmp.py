import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.conversations.factories import new_conversation
pytestmark = pytest.mark.django_db

@pytest.mark.parametrize("name", ["Dana", ""])
@pytest.mark.parametrize("n", [2, 6])
def test_probe(api, n, name):
    for _ in range(n):
        new_conversation(name=name)
    with CaptureQueriesContext(connection) as ctx:
        api.get("/conversations")
    print("\nRESULT", name or "nameless", n, len(ctx.captured_queries))
