import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from unstuck.core.periodic import start_scheduler
from unstuck.mail.idle import start_idle_watchers


class Command(BaseCommand):
    help = "Run background tasks, the periodic schedule (SLA sweeps, mail polling) and IMAP IDLE watchers."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        start_scheduler(stop)
        idle = start_idle_watchers(stop)  # push for mailboxes whose server offers IDLE; polling stays the safety net
        try:
            if settings.TASKS_BACKEND == "db":
                call_command("db_worker", interval=1, reload=False, startup_delay=False)
            else:
                stop.wait()
        finally:
            stop.set()
            if idle is not None:
                idle.join(timeout=10)  # each watcher leaves IDLE and logs out
