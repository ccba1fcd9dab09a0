import pytest
from django.urls import reverse

from unstuck.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_login_page_signs_in_and_lands_on_the_inbox(client, agent):
    response = client.post(reverse("accounts:login"), {"username": "maya", "password": "correct-horse-battery"})

    assert response["Location"] == reverse("conversations:inbox")


def test_wrong_password_says_so(client, agent):
    response = client.post(reverse("accounts:login"), {"username": "maya", "password": "nope"})

    assert "did not match" in response.content.decode()


def test_token_is_shown_once_then_only_its_prefix(web, agent):
    created = web.post(reverse("settings:tokens"), {"name": "Billing webhook"}).content.decode()
    token = ApiToken.objects.get(agent=agent)
    key = created.split('id="new-token" class="mono">')[1].split("<")[0]

    assert key.startswith(token.prefix) and len(key) > 30
    assert key not in web.get(reverse("settings:tokens")).content.decode()


def test_revoked_token_is_marked(web, agent):
    web.post(reverse("settings:tokens"), {"name": "Old"})
    token = ApiToken.objects.get(agent=agent)

    web.post(reverse("settings:revoke-token", args=[token.pk]))

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_audit_trail_is_for_leads(web, lead_web):
    assert web.get(reverse("settings:audit")).status_code == 403
    assert lead_web.get(reverse("settings:audit")).status_code == 200


def test_only_admins_add_agents(web, admin, client):
    denied = web.post(reverse("settings:agents"), {})
    assert "Only an admin" in denied.content.decode()
    client.login(username="ada", password="correct-horse-battery")

    client.post(
        reverse("settings:agents"),
        {
            "username": "newbie",
            "first_name": "New",
            "email": "n@desk.example",
            "password": "long-enough-pw",
            "role": "agent",
        },
    )

    assert client.login(username="newbie", password="long-enough-pw")
