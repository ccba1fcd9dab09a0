from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from unstuck.accounts.models import Agent
from unstuck.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the Fernhill demo desk (agents, customers, 200 conversations) on an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the desk already has agents.")

    def handle(self, *args: Any, **options: Any) -> None:
        if Agent.objects.exists():
            if options["if_empty"]:
                return
            self.stderr.write("The desk already has agents; the demo is only seeded into an empty database.")
            return
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo desk ready: Fernhill, 200 conversations."))
        for login in logins:
            self.stdout.write(f"  {login.role:<6} {login.username:<8} password: {login.password}   ({login.name})")
