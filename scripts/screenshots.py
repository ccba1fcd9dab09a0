"""Take the README screenshots from a fresh Fernhill demo desk.

    .venv/bin/python scripts/screenshots.py [--port 8765] [--out docs/screenshots] [--keep]

Builds a throwaway SQLite desk in a temporary folder (migrate + `demo`), serves it with
`unstuck run --no-worker`, signs in as maya through the real login form and saves PNGs:
login, inbox (All open), conversation (the hot level-2 thread), search ("refund"),
customer (a customer with several conversations) at 1440x900, and inbox-mobile at 390x844.
The server is stopped at the end, also on error.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
CHROMIUM = os.environ.get("UNSTUCK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1440, "height": 900}
MOBILE = {"width": 390, "height": 844}
PREFERRED_USERNAME = "maya"


@dataclass
class Targets:
    """What to photograph, picked from the seeded desk."""

    username: str
    password: str
    conversation_id: int
    customer_id: int


def prepare_desk(data_dir: Path) -> Targets:
    """Migrate and seed a fresh desk in `data_dir`, then choose the conversation and customer to show."""
    os.environ["UNSTUCK_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "unstuck.settings.base"
    os.environ["TASKS_BACKEND"] = "immediate"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connections
    from django.db.models import Count

    from unstuck.conversations.models import ACTIVE_STATUSES, Conversation
    from unstuck.customers.models import Customer
    from unstuck.demo.seed import DEMO_PASSWORD, DESK_FILE

    if not DESK_FILE.exists():
        raise SystemExit(f"The demo desk file {DESK_FILE} is missing; `demo` cannot seed. Try again once it exists.")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo")

    from unstuck.accounts.models import Agent, Role

    agents = Agent.objects.select_related("user")
    agent = (
        agents.filter(user__username=PREFERRED_USERNAME).first()
        or agents.filter(role=Role.AGENT).order_by("id").first()
    )
    if agent is None:
        raise SystemExit("The demo desk has no agents to sign in as.")
    if agent.user.username != PREFERRED_USERNAME:
        print(f"Note: the demo desk has no {PREFERRED_USERNAME!r}; signing in as {agent.user.username!r} instead.")

    active = Conversation.objects.filter(status__in=ACTIVE_STATUSES, merged_into__isnull=True)
    conversation = (
        active.filter(level=2, temperature="hot").order_by("-message_count", "id").first()
        or active.filter(temperature="hot").order_by("level", "-message_count", "id").first()
        or active.order_by("level", "-message_count", "id").first()
    )
    if conversation is None:
        raise SystemExit("The demo desk has no open conversation to photograph.")
    customer = (
        Customer.objects.annotate(n=Count("conversations")).filter(n__gte=3).order_by("-n", "id").first()
        or Customer.objects.annotate(n=Count("conversations")).order_by("-n", "id").first()
    )
    if customer is None:
        raise SystemExit("The demo desk has no customers.")
    targets = Targets(
        username=agent.user.username,
        password=DEMO_PASSWORD,
        conversation_id=conversation.pk,
        customer_id=customer.pk,
    )
    connections.close_all()  # the server process takes over the database
    return targets


def ensure_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"Port {port} is already in use; pass --port with a free one.")


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("wb")
    server = subprocess.Popen(
        [str(VENV_BIN / "unstuck"), "run", "--no-worker", "--port", str(port)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so stopping it also stops anything it started
    )
    log.close()
    return server


def wait_until_up(server: subprocess.Popen, url: str, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"The server exited with code {server.returncode}:\n{log_path.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit(
        f"The server did not answer at {url} within {timeout:.0f} s:\n{log_path.read_text(errors='replace')}"
    )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def take_screenshots(base: str, targets: Targets, out: Path) -> list[Path]:
    from playwright.sync_api import Page, expect, sync_playwright

    saved: list[Path] = []

    def settle(page: Page) -> None:
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")

    def shot(page: Page, name: str) -> None:
        settle(page)
        path = out / name
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        saved.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def sign_in(page: Page) -> None:
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Username").fill(targets.username)
        page.get_by_label("Password").fill(targets.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "/accounts/login/" in page.url:
            alert = page.locator("[role=alert]")
            reason = alert.inner_text() if alert.count() else page.content()[:2000]
            raise SystemExit(f"Could not sign in as {targets.username}: {reason}")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Europe/Berlin")
            page = context.new_page()

            page.goto(f"{base}/accounts/login/")
            shot(page, "login.png")

            page.goto(f"{base}/help/")
            expect(page.locator("h1").first).to_be_visible()
            shot(page, "help-center.png")

            page.goto(f"{base}/contact/")
            expect(page.locator("#id_message")).to_be_visible()
            shot(page, "contact.png")

            sign_in(page)
            page.goto(f"{base}/inbox/?view=open")
            expect(page.locator("table.inbox tbody tr").first).to_be_visible()
            page.mouse.move(0, DESKTOP["height"] - 1)  # no hover highlight on a row
            shot(page, "inbox.png")

            page.goto(f"{base}/c/{targets.conversation_id}/")
            expect(page.locator("#thread article").first).to_be_visible()
            shot(page, "conversation.png")

            page.goto(f"{base}/search/?q=refund")
            expect(page.locator("#results .result-item").first).to_be_visible()
            page.locator("#search-q").blur()
            shot(page, "search.png")

            page.goto(f"{base}/customers/{targets.customer_id}/")
            expect(page.locator(".timeline-item").first).to_be_visible()
            shot(page, "customer.png")

            page.goto(f"{base}/nudges/")
            shot(page, "nudges.png")

            page.goto(f"{base}/settings/sla/")
            shot(page, "sla-settings.png")
            context.close()

            mobile = browser.new_context(
                viewport=MOBILE,
                device_scale_factor=1,
                is_mobile=True,
                has_touch=True,
                locale="en-US",
                timezone_id="Europe/Berlin",
            )
            page = mobile.new_page()
            sign_in(page)
            page.goto(f"{base}/inbox/?view=open")
            shot(page, "inbox-mobile.png")
            mobile.close()
        finally:
            browser.close()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary desk folder (its path is printed).")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="unstuck-screenshots-"))
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        print(f"Seeding a fresh demo desk in {data_dir}")
        targets = prepare_desk(data_dir)
        ensure_port_free(args.port)
        log_path = data_dir / "server.log"
        server = start_server(args.port, log_path)
        base = f"http://127.0.0.1:{args.port}"
        wait_until_up(server, f"{base}/accounts/login/", log_path)
        print(f"Server up at {base}; saving screenshots:")
        take_screenshots(base, targets, out)
    finally:
        if server is not None:
            stop_server(server)
        if args.keep:
            print(f"Kept the desk in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
