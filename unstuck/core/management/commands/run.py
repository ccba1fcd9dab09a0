import os
import subprocess
import sys
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from unstuck.accounts.models import Agent
from unstuck.demo.seed import demo_logins


class Command(BaseCommand):
    help = "Serve the whole product: migrate, seed the demo desk on first start, web + API + worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="Do not seed the demo desk on an empty database.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        first_start = not Agent.objects.exists()
        if first_start and not options["no_demo"]:
            self.stdout.write("First start: seeding the Fernhill demo desk…")
            call_command("demo", if_empty=True)
        elif first_start:
            self.stdout.write("Empty desk: create the first admin with `unstuck createadmin`.")
        else:
            logins = demo_logins()
            if logins:
                self.stdout.write("Demo logins:")
            for login in logins:
                self.stdout.write(f"  {login.role:<6} {login.username:<8} password: {login.password}   ({login.name})")
        worker = None
        if not options["no_worker"] and settings.TASKS_BACKEND != "immediate":
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "unstuck.settings.base"),
            }
            worker = subprocess.Popen([sys.executable, "-m", "unstuck.cli", "worker"], env=env)
            self.stdout.write(f"Worker started (pid {worker.pid}).")
        smtp = None
        smtp_port = os.environ.get("UNSTUCK_SMTP_PORT")
        if smtp_port:
            # Inbound mail over SMTP beside the web server, e.g. for an MTA relaying the support address here.
            smtp = subprocess.Popen([sys.executable, "-m", "unstuck.cli", "smtp-listen", "--port", smtp_port])
            self.stdout.write(f"SMTP listener started on port {smtp_port} (pid {smtp.pid}).")
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(self.style.SUCCESS(f"Unstuck is running at {url}  (API docs: {url}/api/v1/docs)"))
        try:
            uvicorn.run("unstuck.asgi:application", host=options["host"], port=options["port"], log_level="warning")
        finally:
            for child in (worker, smtp):
                if child is None:
                    continue
                child.terminate()
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
