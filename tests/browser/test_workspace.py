"""The workspace through a real browser: sign in, inbox keys and filters, the conversation page's htmx forms,
collision safety and presence."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import PASSWORD
from tests.conversations.factories import new_conversation, owned_conversation
from unstuck.conversations import services
from unstuck.conversations.models import Conversation, Level, Message, MessageKind, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLL_WAIT_MS = 7_000  # one live poll (every 4 s) plus the request and the swap


def open_conversation_page(page: Page, live_server, conversation: Conversation) -> None:
    page.goto(f"{live_server.url}/c/{conversation.pk}/")
    expect(page.locator("#conv-header h1")).to_contain_text(conversation.subject)
    # htmx is loaded with `defer`; wait for it, or a click could submit the plain form instead
    page.wait_for_function("() => window.htmx !== undefined")


def test_sign_in_lands_on_the_inbox_and_a_wrong_password_is_refused(page: Page, live_server, agent):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("did not match")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/inbox/"))
    expect(page.locator(".me-name")).to_have_text("Maya Lind")
    expect(page.locator("h1")).to_be_visible()


def test_inbox_sorts_by_due_time_moves_with_j_and_opens_with_enter(page: Page, live_server, agent, login):
    # Created least urgent first, so id order and due order disagree.
    defect = new_conversation(subject="Export button does nothing", level=Level.DEFECT)
    money = new_conversation(subject="Charged twice this month", level=Level.MONEY)
    outage = new_conversation(subject="Nobody can sign in", level=Level.OUTAGE)

    login(page, live_server, "maya")
    page.goto(f"{live_server.url}/inbox/?view=open")
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.locator("a.subject")).to_have_text([outage.subject, money.subject, defect.subject])

    page.keyboard.press("j")
    expect(page.locator("tr.selected")).to_have_attribute("data-id", str(outage.pk))
    page.keyboard.press("j")
    expect(page.locator("tr.selected")).to_have_attribute("data-id", str(money.pk))
    page.keyboard.press("k")
    page.keyboard.press("j")
    expect(page.locator("tr.selected")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/c/{money.pk}/$"))
    expect(page.locator("#conv-header h1")).to_contain_text(money.subject)

    page.goto(f"{live_server.url}/inbox/?view=open")
    page.locator(".filter-chips").get_by_role("link", name="1 Outage").click()
    expect(page).to_have_url(re.compile(r"level=1"))
    expect(rows).to_have_count(1)
    expect(rows.locator("a.subject")).to_have_text([outage.subject])
    expect(page.locator(".filter-chip.active")).to_have_text(re.compile(r"1\s*Outage"))


def test_reply_through_the_composer(page: Page, live_server, agent, login):
    conversation = new_conversation(subject="Export button does nothing")
    login(page, live_server, "maya")
    open_conversation_page(page, live_server, conversation)
    expect(page.locator("#conv-header .status")).to_have_text("New")
    page.evaluate("window.__noReload = true")  # gone if the page reloads

    page.locator("#composer-text").fill("Thanks Dana, I can see it too. A fix is on its way.")
    page.get_by_role("button", name="Send reply").click()
    # No next step anywhere yet: refused with a clear message, and the text is kept.
    expect(page.locator("#composer .alert-error")).to_contain_text("Add the next step")
    expect(page.locator("#composer-text")).to_have_value("Thanks Dana, I can see it too. A fix is on its way.")

    page.locator("#composer-next-step").fill("Maya sends the fixed export by 3 pm")
    page.get_by_role("button", name="Send reply").click()

    reply = page.locator("#thread article.msg-outbound")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("A fix is on its way.")
    expect(page.locator("#composer-text")).to_have_value("")
    expect(page.locator("#conv-header .status")).to_have_text("Open")
    assert page.evaluate("window.__noReload") is True

    message = Message.objects.get(conversation=conversation, kind=MessageKind.OUTBOUND)
    assert message.text == "Thanks Dana, I can see it too. A fix is on its way."
    assert message.author_agent == agent
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert conversation.owner == agent


def test_internal_note_with_the_n_key(page: Page, live_server, agent, login):
    conversation = owned_conversation(agent)
    login(page, live_server, "maya")
    open_conversation_page(page, live_server, conversation)

    page.keyboard.press("n")
    expect(page.locator("#composer-text")).to_be_focused()
    expect(page.locator("#composer")).to_have_class(re.compile(r"\bis-note\b"))
    page.keyboard.type("Checked the export logs: a timeout in the CSV worker.")
    page.get_by_role("button", name="Add note").click()

    note = page.locator("#thread article.msg-note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("a timeout in the CSV worker")
    expect(note.locator(".badge")).to_have_text("Internal note")
    expect(page.locator("#composer-text")).to_have_value("")
    assert Message.objects.filter(conversation=conversation, kind=MessageKind.NOTE).count() == 1


def test_next_step_is_saved(page: Page, live_server, agent, login):
    conversation = owned_conversation(agent)
    login(page, live_server, "maya")
    open_conversation_page(page, live_server, conversation)

    page.evaluate("window.__noReload = true")
    page.keyboard.press("s")
    expect(page.locator("#next-step-input")).to_be_focused()
    page.keyboard.type("Maya sends the fixed export by Friday")  # `s` selected the old text, typing replaces it
    page.locator(".meta-next-step").get_by_role("button", name="Save").click()

    expect(page.locator(".toast")).to_contain_text("Next step saved")
    expect(page.locator("#thread .event-row").last).to_contain_text("Maya sends the fixed export by Friday")
    expect(page.locator("#next-step-input")).to_have_value("Maya sends the fixed export by Friday")
    assert page.evaluate("window.__noReload") is True
    conversation.refresh_from_db()
    assert conversation.next_step == "Maya sends the fixed export by Friday"


def test_handing_off_needs_a_note(page: Page, live_server, agent, other_agent, login):
    conversation = owned_conversation(agent)
    login(page, live_server, "maya")
    open_conversation_page(page, live_server, conversation)
    header = page.locator("#conv-header")

    header.locator("#owner-select").select_option(str(other_agent.pk))
    page.evaluate("window.__noReload = true")
    header.get_by_role("button", name="Hand off").click()
    expect(page.locator(".toast.toast-error")).to_contain_text("Say why you are handing this over.")
    expect(page.locator("#conv-header [role=alert]")).to_contain_text("Say why you are handing this over.")
    expect(page.locator("#owner-select")).to_have_value(str(agent.pk))
    conversation.refresh_from_db()
    assert conversation.owner == agent

    page.locator("#owner-select").select_option(str(other_agent.pk))
    page.get_by_label("Handoff note").fill("Tom knows the billing system")
    page.locator("#conv-header").get_by_role("button", name="Hand off").click()
    expect(page.locator("#owner-select")).to_have_value(str(other_agent.pk))
    expect(page.locator("#thread")).to_contain_text("Tom knows the billing system")
    expect(page.locator("#conv-header")).to_contain_text("1 handoff")
    expect(page.locator("#conv-header [role=alert]")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    conversation.refresh_from_db()
    assert conversation.owner == other_agent
    assert conversation.handoff_count == 1


def test_a_reply_that_raced_a_customer_message_is_held(page: Page, live_server, agent, login):
    conversation = owned_conversation(agent)
    login(page, live_server, "maya")
    open_conversation_page(page, live_server, conversation)

    page.locator("#composer-text").fill("Try exporting again, it should work now.")
    services.receive_message(
        channel="email",
        text="Still broken, and my boss is asking.",
        conversation=conversation,
        customer=conversation.customer,
    )
    page.get_by_role("button", name="Send reply").click()

    expect(page.locator(".composer-warning")).to_contain_text("Held, not sent.")
    expect(page.locator("#composer-text")).to_have_value("Try exporting again, it should work now.")
    expect(page.locator("#thread")).to_contain_text("Still broken, and my boss is asking.")
    outbound = Message.objects.filter(conversation=conversation, kind=MessageKind.OUTBOUND)
    assert outbound.count() == 1  # only the factory's first reply

    page.get_by_role("button", name="Send anyway").click()
    expect(page.locator("#thread article.msg-outbound").last).to_contain_text("it should work now")
    expect(page.locator(".composer-warning")).to_have_count(0)
    expect(page.locator("#composer-text")).to_have_value("")
    assert outbound.count() == 2
    assert outbound.order_by("-id").first().text == "Try exporting again, it should work now."


def test_presence_shows_who_else_is_viewing(new_page, live_server, agent, other_agent, login):
    conversation = owned_conversation(agent)
    maya, tom = new_page(), new_page()
    login(maya, live_server, "maya")
    login(tom, live_server, "tom")
    open_conversation_page(maya, live_server, conversation)
    open_conversation_page(tom, live_server, conversation)

    expect(maya.locator("#presence")).to_contain_text("Tom is viewing", timeout=POLL_WAIT_MS)
    expect(tom.locator("#presence")).to_contain_text("Maya is viewing", timeout=POLL_WAIT_MS)


def test_status_change_is_saved(page: Page, live_server, agent, login):
    conversation = owned_conversation(agent)
    login(page, live_server, "maya")
    open_conversation_page(page, live_server, conversation)
    expect(page.locator("#conv-header .status")).to_have_text("Open")

    page.locator("#status-select").select_option(Status.SOLVED)
    expect(page.locator("#conv-header .status")).to_have_text("Solved")
    expect(page.locator("#status-select")).to_have_value(Status.SOLVED)
    conversation.refresh_from_db()
    assert conversation.status == Status.SOLVED
    assert conversation.solved_at is not None
