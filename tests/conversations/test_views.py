import json
import re

import pytest
from django.urls import reverse

from unstuck.conversations import services
from unstuck.conversations.models import Message, Status

from .factories import new_conversation, owned_conversation

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_workspace_needs_a_login(client):
    response = client.get(reverse("conversations:inbox"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_inbox_lists_earliest_due_first_with_last_heard_and_next_step(web, agent):
    later = owned_conversation(agent, level=4, subject="How do I add a logo")
    sooner = new_conversation(level=1, subject="Nobody can log in")

    html = web.get(reverse("conversations:inbox") + "?view=open").content.decode()

    assert html.index("Nobody can log in") < html.index("How do I add a logo")
    assert "Maya checks the export logs by 3 pm" in html
    assert f'data-href="/c/{sooner.pk}/"' in html and f'data-href="/c/{later.pk}/"' in html


def test_inbox_filters_by_level_and_mine(web, agent):
    owned_conversation(agent, level=2, subject="Charged twice")
    new_conversation(level=4, subject="Logo help")

    by_level = web.get(reverse("conversations:inbox") + "?view=open&level=4").content.decode()
    mine = web.get(reverse("conversations:inbox") + "?view=mine").content.decode()

    assert "Logo help" in by_level and "Charged twice" not in by_level
    assert "Charged twice" in mine and "Logo help" not in mine


def test_inbox_filters_by_triage_temperature_urgency_and_burst(web, agent):
    angry = new_conversation(level=3, subject="Furious about exports", text="This is UNACCEPTABLE, fix it NOW!!!")
    new_conversation(level=4, subject="How to add a logo", text="How do I add my logo to invoices?")
    alarmed = new_conversation(level=4, perceived_urgency=1, subject="Camera broken?", text="Nothing shows up.")
    for n in range(3):  # three mild messages about the same failure within minutes: a burst
        new_conversation(level=None, subject=f"Login {n}", text="I can't log in, the login page keeps reloading")
    inbox = reverse("conversations:inbox")

    hot = web.get(inbox + f"?view=open&temperature={angry.temperature}").content.decode()
    urgent = web.get(inbox + "?view=open&urgent=on").content.decode()
    burst = web.get(inbox + "?view=open&burst=on").content.decode()

    assert angry.temperature in ("warm", "hot")
    assert "Furious about exports" in hot and "How to add a logo" not in hot
    assert alarmed.subject in urgent and "How to add a logo" not in urgent
    assert "Login 2" in burst and "How to add a logo" not in burst
    assert 'title="3 similar messages in 30 min">burst<' in burst


def test_conversation_page_shows_why_triage_decided(web, agent):
    conversation = new_conversation(level=None, text="I was charged twice for my subscription, please refund one")

    page = web.get(reverse("conversations:detail", args=[conversation.pk])).content.decode()

    assert 'id="triage-panel"' in page
    assert "Why this triage" in page and "charged" in page


def test_inbox_htmx_request_gets_only_the_list(web):
    new_conversation(subject="Export broken")

    html = web.get(reverse("conversations:inbox"), headers=HTMX).content.decode()

    assert 'id="inbox-list"' in html and "<html" not in html


def test_inbox_query_count_does_not_grow_with_rows(web, agent, django_assert_max_num_queries):
    for i in range(30):
        owned_conversation(agent, subject=f"Problem {i}")

    with django_assert_max_num_queries(16):
        web.get(reverse("conversations:inbox") + "?view=open")


def test_conversation_page_shows_thread_next_step_and_customer_timeline(web, agent):
    conversation = owned_conversation(agent, email="dana@example.com", subject="Export broken")
    new_conversation(email="dana@example.com", subject="Older question about VAT")

    html = web.get(reverse("conversations:detail", args=[conversation.pk])).content.decode()

    assert "The export button does nothing" in html
    assert 'value="Maya checks the export logs by 3 pm"' in html
    assert "Older question about VAT" in html
    assert 'id="composer"' in html


def test_sending_a_reply_with_htmx_returns_a_fresh_composer_and_thread(web, agent):
    conversation = owned_conversation(agent)
    seen = Message.objects.filter(conversation=conversation).latest("id").pk

    response = web.post(
        reverse("conversations:send", args=[conversation.pk]),
        {"kind": "reply", "text": "Found the bug; the fix ships tonight.", "seen_message_id": seen},
        headers=HTMX,
    )

    html = response.content.decode()
    assert 'id="composer"' in html
    assert re.search(r'<section class="thread" id="thread"[^>]*hx-swap-oob="true"', html)
    assert "Found the bug; the fix ships tonight." in html
    assert json.loads(response["HX-Trigger"])["showToast"]["message"] == "Reply sent"


def test_a_held_reply_keeps_the_text_and_explains_why(web, agent):
    conversation = owned_conversation(agent)
    seen = Message.objects.filter(conversation=conversation).latest("id").pk
    services.receive_message(
        channel="email", text="Any news?", customer=conversation.customer, conversation=conversation
    )

    response = web.post(
        reverse("conversations:send", args=[conversation.pk]),
        {"kind": "reply", "text": "All fixed now.", "seen_message_id": seen},
        headers=HTMX,
    )

    html = response.content.decode()
    assert "Held, not sent." in html and "All fixed now.</textarea>" in html
    assert 'name="force" value="on"' in html
    assert not Message.objects.filter(text="All fixed now.").exists()


def test_note_from_the_composer_is_internal(web, agent):
    conversation = owned_conversation(agent)

    web.post(
        reverse("conversations:send", args=[conversation.pk]),
        {"kind": "note", "text": "Asked eng."},
        headers=HTMX,
    )

    assert Message.objects.get(text="Asked eng.").kind == "note"


def test_changing_owner_without_a_note_shows_the_reason(web, agent, other_agent):
    conversation = owned_conversation(agent)

    response = web.post(
        reverse("conversations:owner", args=[conversation.pk]),
        {"owner": other_agent.pk, "note": ""},
        headers=HTMX,
    )

    assert json.loads(response["HX-Trigger"])["showToast"]["level"] == "error"
    assert "Say why you are handing this over." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.owner == agent


def test_next_step_and_status_edits_without_javascript_redirect_back(web, agent):
    conversation = owned_conversation(agent)
    url = reverse("conversations:detail", args=[conversation.pk])

    r1 = web.post(
        reverse("conversations:next-step", args=[conversation.pk]),
        {"next_step": "Customer sends logs", "next_step_by": "customer"},
    )
    r2 = web.post(reverse("conversations:status", args=[conversation.pk]), {"status": "waiting_customer"})

    assert r1["Location"] == url and r2["Location"] == url
    conversation.refresh_from_db()
    assert (conversation.next_step, conversation.status) == ("Customer sends logs", Status.WAITING_CUSTOMER)


def test_live_refresh_reports_other_viewers_and_sends_fragments_only_on_change(web, agent, other_agent):
    conversation = owned_conversation(agent)
    services.touch_presence(conversation, agent=other_agent, state="replying")
    url = reverse("conversations:live", args=[conversation.pk])

    first = web.post(url, {"stamp": "", "state": "viewing"}, headers=HTMX).content.decode()
    stamp = first.split('"stamp": "')[1].split('"')[0]
    unchanged = web.post(url, {"stamp": stamp, "state": "viewing"}, headers=HTMX).content.decode()

    assert "Tom is replying" in first and 'id="thread"' in first
    assert "Tom is replying" in unchanged and 'id="thread"' not in unchanged


def test_search_page_highlights_matches(web, agent):
    owned_conversation(agent, text="My invoice was charged twice", subject="Billing")

    html = web.get(reverse("conversations:search") + "?q=charged").content.decode()

    assert "<mark>charged</mark>" in html


def test_customer_page_shows_every_conversation(web):
    a = new_conversation(email="dana@example.com", subject="First problem", channel="chat")
    new_conversation(email="dana@example.com", subject="Second problem")

    html = web.get(reverse("customers:detail", args=[a.customer_id])).content.decode()

    assert "First problem" in html and "Second problem" in html


def test_merge_and_split_from_the_page(web, agent):
    first = owned_conversation(agent, email="dana@example.com")
    second = new_conversation(email="dana@example.com", text="Second issue")

    web.post(reverse("conversations:merge", args=[second.pk]), {"into": first.pk}, headers=HTMX)
    moved = Message.objects.get(text="Second issue")
    assert moved.conversation_id == first.pk
    web.post(reverse("conversations:split", args=[first.pk]), {"message": moved.pk}, headers=HTMX)
    moved.refresh_from_db()
    assert moved.conversation_id not in (first.pk, second.pk)
