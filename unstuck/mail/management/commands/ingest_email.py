import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from unstuck.mail import services
from unstuck.mail.models import InboundStatus

# sysexits.h: an MTA retries later on EX_TEMPFAIL instead of bouncing the mail.
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "File one message read from standard input (for an MTA pipe: `unstuck ingest-email < message.eml`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipient", action="append", default=[], help="envelope recipient (picks the mailbox)")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        try:
            inbound = services.ingest_file(raw, recipients=tuple(options["recipient"]))
        except Exception as error:  # database unavailable: tell the MTA to keep the mail and retry
            self.stderr.write(f"could not store the message: {error}")
            sys.exit(EX_TEMPFAIL)
        where = f" in conversation #{inbound.conversation_id}" if inbound.conversation_id else ""
        reason = f": {inbound.reason}" if inbound.reason and inbound.status != InboundStatus.FILED else ""
        self.stdout.write(f"{inbound.status}{where} (received mail #{inbound.pk}){reason}")
