import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from unstuck.core.periodic import start_scheduler


class Command(BaseCommand):
    help = "Run background tasks and the periodic schedule (SLA sweeps, mail polling)."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        start_scheduler(stop)
        try:
            if settings.TASKS_BACKEND == "db":
                call_command("db_worker", interval=1, reload=False, startup_delay=False)
            else:
                stop.wait()
        finally:
            stop.set()
