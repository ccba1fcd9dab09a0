"""The chat widget embedded on another site, talking live with an agent in the workspace."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.helpcenter.factories import article
from unstuck.conversations.models import Channel, Conversation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A shop's page with rules that would wreck an unprotected widget: huge red text, hidden buttons.
HOST_PAGE = """<!doctype html>
<html><head><title>Fernhill Shop</title>
<style>
  * { font-size: 40px !important; color: red !important; font-family: serif !important; }
  button, textarea { display: none !important; }
  ol, li { margin: 50px !important; }
</style></head>
<body><h1>Fernhill Shop</h1>
<script src="{desk}/widget/embed.js" data-desk="{desk}" async></script>
</body></html>"""


@pytest.fixture
def shop_site(live_server) -> Iterator[str]:
    """A page on another origin (its own port) that embeds the widget with the one script tag."""
    html = HOST_PAGE.replace("{desk}", live_server.url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


HEARTBEAT_SECONDS = 0.5


@pytest.fixture(autouse=True)
def _short_streams(settings):
    # Streams end and reconnect every few seconds, so none outlives the test by long.
    settings.WIDGET_STREAM_SECONDS = 4
    settings.WIDGET_STREAM_HEARTBEAT_SECONDS = HEARTBEAT_SECONDS


def leave(page: Page) -> None:
    """Close the visitor's page and give its event stream a heartbeat to notice, before the database goes."""
    page.close()
    time.sleep(HEARTBEAT_SECONDS * 3)


def test_a_visitor_on_another_site_chats_with_an_agent_and_sees_the_reply_within_a_second(
    new_page, live_server, shop_site, agent, login
):
    agent_page: Page = new_page()
    login(agent_page, live_server, "maya")  # signed in and available: the widget shows someone is here

    visitor: Page = new_page()
    visitor.goto(shop_site)
    assert visitor.evaluate("location.origin") != live_server.url
    launcher = visitor.locator("#unstuck-widget .launcher")
    expect(launcher).to_be_visible()  # the page hides every button; the shadow DOM keeps ours
    launcher.click()
    expect(visitor.locator("#unstuck-widget header")).to_contain_text("Maya is here")
    expect(visitor.locator("#unstuck-widget header")).to_contain_text("We usually reply in")
    composer = visitor.locator("#unstuck-widget textarea")
    assert composer.evaluate("el => getComputedStyle(el).fontSize") == "16px"

    composer.fill("Hi! Does the Pro plan include phone support?")
    composer.press("Enter")
    expect(visitor.locator("#unstuck-widget .msg.visitor")).to_have_text("Hi! Does the Pro plan include phone support?")
    conversation = Conversation.objects.get()
    assert conversation.channel == Channel.CHAT

    # Record, in the visitor's page, the moment the agent's reply is drawn.
    visitor.evaluate(
        """() => {
        const list = document.querySelector('#unstuck-widget').shadowRoot.querySelector('.messages');
        new MutationObserver(() => {
          if (!window.replyShownAt && list.querySelector('.msg.agent')) window.replyShownAt = Date.now();
        }).observe(list, {childList: true});
    }"""
    )
    agent_page.goto(f"{live_server.url}/c/{conversation.pk}/")
    agent_page.wait_for_function("() => window.htmx !== undefined")
    expect(agent_page.locator(".thread")).to_contain_text("Does the Pro plan include phone support?")
    agent_page.locator("#composer-text").fill("Yes, Pro includes phone support on weekdays.")
    agent_page.locator("#composer-next-step").fill("Wait for the visitor's answer")
    sent_at = agent_page.evaluate("Date.now()")
    agent_page.locator("#composer-submit").click()

    reply = visitor.locator("#unstuck-widget .msg.agent")
    expect(reply).to_contain_text("Yes, Pro includes phone support on weekdays.", timeout=1_000)
    expect(reply).to_contain_text("Maya")
    latency_ms = visitor.evaluate("window.replyShownAt") - sent_at
    print(f"\nwidget reply latency: {latency_ms} ms (agent click to widget)")
    assert latency_ms < 1_000
    leave(visitor)


def test_when_nobody_is_online_the_widget_suggests_articles_then_asks_for_an_email(page: Page, live_server, shop_site):
    article(title="Invoices with your VAT number", body="Add your VAT number under Billing, then download the invoice.")
    page.goto(shop_site)
    page.locator("#unstuck-widget .launcher").click()
    expect(page.locator("#unstuck-widget header")).to_contain_text("We usually reply within 4 business hours")

    page.locator("#unstuck-widget textarea").press_sequentially("Can I get an invoice with my VAT number?")
    expect(page.locator("#unstuck-widget .suggestions a")).to_have_text(["Invoices with your VAT number"])
    page.locator("#unstuck-widget textarea").press("Enter")
    email = page.locator("#unstuck-widget form.email")
    expect(email).to_contain_text("Nobody is online right now")
    email.locator("input").fill("kim@example.com")
    email.locator("button").click()

    expect(page.locator("#unstuck-widget .messages")).to_contain_text("We will reply to kim@example.com")
    conversation = Conversation.objects.get()
    assert conversation.channel == Channel.EMAIL
    assert conversation.customer.identities.filter(kind="email", value="kim@example.com").exists()
    leave(page)
