import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from unstuck.mail.smtp import start_listener


class Command(BaseCommand):
    help = "Receive mail over SMTP (e.g. from your MTA's relay) and file it like polled mail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
        controller = start_listener(options["host"], options["port"])
        self.stdout.write(f"Listening for mail on {options['host']}:{options['port']}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
