import mailbox
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from unstuck.mail import pipeline, services
from unstuck.mail.models import InboundStatus, Source

# sysexits.h: an MTA retries later on EX_TEMPFAIL instead of bouncing the mail.
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = (
        "File one message read from standard input (for an MTA pipe: `unstuck ingest-email < message.eml`), "
        "or every message of an mbox file (`--mbox export.mbox`, e.g. when moving from another help desk)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipient", action="append", default=[], help="envelope recipient (picks the mailbox)")
        parser.add_argument("--mbox", help="import every message of this mbox file instead of reading stdin")
        parser.add_argument("--workers", type=int, default=None, help="parsing processes for --mbox (default: CPUs-1)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["mbox"]:
            self._import_mbox(options["mbox"], recipients=tuple(options["recipient"]), workers=options["workers"])
            return
        raw = sys.stdin.buffer.read()
        try:
            inbound = services.ingest_file(raw, recipients=tuple(options["recipient"]))
        except Exception as error:  # database unavailable: tell the MTA to keep the mail and retry
            self.stderr.write(f"could not store the message: {error}")
            sys.exit(EX_TEMPFAIL)
        where = f" in conversation #{inbound.conversation_id}" if inbound.conversation_id else ""
        reason = f": {inbound.reason}" if inbound.reason and inbound.status != InboundStatus.FILED else ""
        self.stdout.write(f"{inbound.status}{where} (received mail #{inbound.pk}){reason}")

    def _import_mbox(self, path: str, *, recipients: tuple[str, ...], workers: int | None) -> None:
        try:
            box = mailbox.mbox(path, create=False)
        except (OSError, mailbox.Error) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        envelope = services.Envelope(source=Source.PIPE, recipients=recipients)

        def raws() -> Iterator[tuple[bytes, services.Envelope]]:
            for key in box.iterkeys():
                yield box.get_bytes(key), envelope

        counts: Counter[str] = Counter(inbound.status for inbound in pipeline.ingest_many(raws(), workers=workers))
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no messages"
        self.stdout.write(f"{sum(counts.values())} messages from {path}: {summary}")
