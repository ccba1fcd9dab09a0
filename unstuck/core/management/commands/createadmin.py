import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from unstuck.accounts.models import Role
from unstuck.accounts.services import create_agent
from unstuck.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an admin agent (the first person on a desk that is not the demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="Asked for when not given.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        if len(password) < 8:
            raise CommandError("Use a password of at least 8 characters.")
        try:
            agent = create_agent(
                username=options["username"],
                email=options["email"],
                password=password,
                role=Role.ADMIN,
                actor=None,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Admin {agent.user.username} created."))
