import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from unstuck.mail.conf import max_attachment_bytes
from unstuck.mail.parsing import parse_email


class Command(BaseCommand):
    help = "Parse one .eml file (or - for stdin) and print what Unstuck reads from it; always exits 0."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to a .eml file, or - for standard input")
        parser.add_argument("--json", action="store_true", help="print one JSON object (the default output)")
        parser.add_argument("--own-address", action="append", default=[], help="an address of ours (loop check)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = sys.stdin.buffer.read() if options["file"] == "-" else Path(options["file"]).read_bytes()
        except OSError as error:
            self.stdout.write(json.dumps({"error": f"cannot read {options['file']}: {error.strerror}"}))
            return
        own = set(options["own_address"])
        parsed = parse_email(raw, own_addresses=own, max_attachment_bytes=max_attachment_bytes())
        self.stdout.write(json.dumps(parsed.as_json(), ensure_ascii=False, indent=None if options["json"] else 2))
