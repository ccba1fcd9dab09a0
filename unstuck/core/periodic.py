"""Periodic work run by `unstuck worker`: each entry is (every N seconds, task)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    every_seconds: int
    task_path: str


# Each app registers its sweeps (SLA clocks, IMAP polling, retraining) from its AppConfig.ready().
SCHEDULE: list[Periodic] = []


def register(every_seconds: int, task_path: str) -> None:
    entry = Periodic(every_seconds, task_path)
    if entry not in SCHEDULE:
        SCHEDULE.append(entry)


def run_due(last_run: dict[str, float], now: float, enqueue: Callable[[str], None]) -> None:
    for entry in SCHEDULE:
        if now - last_run.get(entry.task_path, 0.0) >= entry.every_seconds:
            last_run[entry.task_path] = now
            enqueue(entry.task_path)


def _enqueue(task_path: str) -> None:
    try:
        import_string(task_path).enqueue()
    except Exception:  # one failing sweep must not stop the others
        logger.exception("periodic.enqueue_failed", extra={"task": task_path})
    finally:
        close_old_connections()


def start_scheduler(stop: threading.Event, *, tick: float = 5.0) -> threading.Thread:
    """A daemon thread that enqueues each periodic task when its interval has passed."""

    def loop() -> None:
        last_run: dict[str, float] = {}
        while not stop.is_set():
            run_due(last_run, time.monotonic(), _enqueue)
            stop.wait(tick)

    thread = threading.Thread(target=loop, name="unstuck-scheduler", daemon=True)
    thread.start()
    return thread
