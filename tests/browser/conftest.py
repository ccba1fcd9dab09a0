"""Headless Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety check would
refuse the ORM calls the tests make to arrange data and check results; those calls are synchronous
and safe here.
"""

import os
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.accounts.factories import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("UNSTUCK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
# Playwright's default is 5 s; the live poll runs every 4 s, so waits that include one poll need more.
expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Open pages in fresh contexts (separate cookies), for tests with more than one agent."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(viewport=VIEWPORT, locale="en-US", timezone_id="UTC")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


def sign_in(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the inbox."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/inbox/"))


@pytest.fixture
def login() -> Callable[..., None]:
    """`login(page, live_server, username)`: sign in through the real form."""
    return sign_in
