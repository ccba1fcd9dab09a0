"""The public help center through a real browser: suggestions appear as the visitor types, a click is recorded,
and the keyboard works. No login."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.helpcenter.factories import article
from unstuck.helpcenter.models import SuggestionEvent, VisitSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def articles():
    return {
        "refund": article("When will I get my refund?", "Refunds reach your card within **ten** working days."),
        "password": article("Reset your password", "Use the forgot password link.", category_name="Signing in"),
    }


def test_suggestions_appear_while_typing_and_opening_one_is_recorded(page: Page, live_server, articles):
    page.goto(f"{live_server.url}/help/")
    expect(page.get_by_role("heading", name="How can we help?")).to_be_visible()
    box = page.get_by_label("Describe your question")

    box.press_sequentially("refu", delay=40)

    options = page.get_by_role("option")
    expect(options.first).to_contain_text("When will I get my refund?")
    expect(page.locator("#help-q-suggestions mark").first).to_have_text(re.compile("refund", re.I))
    expect(box).to_have_attribute("aria-expanded", "true")

    options.first.click()
    expect(page).to_have_url(re.compile(r"/help/billing/when-will-i-get-my-refund/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("When will I get my refund?")

    session = VisitSession.objects.get()
    assert session.first_click_at is not None
    assert SuggestionEvent.objects.filter(session=session, kind="click", article=articles["refund"]).exists()


def test_keyboard_picks_a_suggestion_and_typos_still_find_it(page: Page, live_server, articles):
    page.goto(f"{live_server.url}/help/")
    box = page.get_by_label("Describe your question")

    box.press_sequentially("pasword ", delay=30)
    expect(page.get_by_role("option").first).to_contain_text("Reset your password")

    box.press("ArrowDown")
    expect(page.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/help/signing-in/reset-your-password/$"))


def test_was_this_helpful_votes_without_reloading(page: Page, live_server, articles):
    page.goto(f"{live_server.url}/help/billing/when-will-i-get-my-refund/")
    page.wait_for_function("() => window.htmx !== undefined")

    page.get_by_role("button", name="Yes").click()

    expect(page.locator("#vote")).to_contain_text("Thanks for telling us")
    articles["refund"].refresh_from_db()
    assert articles["refund"].helpful_yes == 1


def test_contact_form_suggests_articles_while_typing_and_a_submit_is_not_a_deflection(
    page: Page, live_server, articles
):
    page.goto(f"{live_server.url}/contact/")
    message = page.locator("#id_message")
    message.press_sequentially("When will my refu", delay=30)

    suggestions = page.locator("#contact-suggestions")
    expect(suggestions).to_be_visible()
    expect(suggestions).to_contain_text("When will I get my refund?")
    assert SuggestionEvent.objects.filter(kind="impression").exists()

    page.get_by_label("Name").fill("Dana Example")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Subject").fill("Refund timing")
    message.fill("When will my refund arrive? It has been twelve days.")
    page.get_by_role("button", name=re.compile("Send", re.I)).click()
    expect(page.get_by_text(re.compile("Your reference"))).to_be_visible()
    session = VisitSession.objects.get()
    assert session.submitted_at is not None
