"""The momentum loop in a real browser: an overdue conversation nudges its owner, the drafted update is
edited and sent, and the clock starts again."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.conversations.factories import owned_conversation
from unstuck.conversations.models import Conversation, MessageKind
from unstuck.momentum.models import Nudge
from unstuck.momentum.services.sweep import sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overdue_nudge_drafted_update_edit_send_and_the_clock_resets(page: Page, live_server, agent, login):
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        conversation = owned_conversation(agent, level=1, subject="Nobody can sign in")  # update due after 30 min
    sweep()  # the worker's minute sweep
    assert Nudge.objects.filter(conversation=conversation, agent=agent).exists()

    login(page, live_server, "maya")
    expect(page.locator("#nudge-count")).to_have_text("1")
    expect(page.locator(f"tr[data-id='{conversation.pk}']")).to_have_class("is-overdue")
    page.locator(".bell").click()
    page.get_by_role("link", name="Open", exact=True).click()
    page.wait_for_function("() => window.htmx !== undefined")
    banner = page.locator("#nudge-banner")
    expect(banner).to_contain_text("past the update deadline")

    banner.get_by_role("link", name="Draft an update").click()
    text = page.locator("#composer-text")
    expect(text).to_contain_text("Nobody can sign in")
    expect(page.locator("#draft-facts")).to_contain_text("Drafted from")
    expect(page.locator("#composer-promise")).to_have_value("custom")
    drafted = text.input_value()
    assert drafted.startswith("Hi Dana,") and drafted.rstrip().endswith("Maya")

    text.fill(drafted.replace("I haven't got news to share yet", "The login service is back for most people"))
    page.locator("#composer-submit").click()
    expect(page.locator("#nudge-banner")).to_have_count(0)
    expect(page.locator("#thread")).to_contain_text("The login service is back for most people")

    conversation = Conversation.objects.get(pk=conversation.pk)
    sent = conversation.messages.filter(kind=MessageKind.OUTBOUND).latest("created_at")
    assert "I'll write again by" in sent.text
    assert conversation.due_at > timezone.now()
    assert conversation.due_at <= timezone.now() + timedelta(minutes=31)  # the outage cadence, or the promise
    assert conversation.stuck_seconds >= 29 * 60  # it was about 30 minutes past its deadline
