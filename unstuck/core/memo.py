"""Short-lived per-process memory for settings-like rows read on every inbound message.

Filing a message needs the desk's routing switch, its own addresses, the active triage models and the SLA
policy. They change a few times a year but were read once per message. A memo keeps each answer for a few
seconds; saving or deleting one of the watched models forgets it at once in this process, and other
processes (the worker, other web workers) follow within the time to live.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_all: list[Memo[Any]] = []


class Memo(Generic[T]):
    def __init__(self, load: Callable[[], T], *, seconds: float) -> None:
        self.load = load
        self.seconds = seconds
        self._value: tuple[float, T] | None = None
        self._lock = threading.Lock()
        self.__doc__ = load.__doc__
        self.__name__ = getattr(load, "__name__", "memo")

    def __call__(self) -> T:
        now = time.monotonic()
        cached = self._value
        if cached is not None and now - cached[0] < self.seconds:
            return cached[1]
        value = self.load()
        with self._lock:
            self._value = (now, value)
        return value

    def forget(self) -> None:
        with self._lock:
            self._value = None

    def _changed(self, *args: Any, **kwargs: Any) -> None:
        # Now for this thread, and again at commit, since another thread may reload the old row meanwhile.
        self.forget()
        transaction.on_commit(self.forget)

    def watch(self, *model_classes: type[models.Model]) -> Memo[T]:
        for model_class in model_classes:
            post_save.connect(self._changed, sender=model_class, weak=False)
            post_delete.connect(self._changed, sender=model_class, weak=False)
        return self


def memo(*, seconds: float = 10.0) -> Callable[[Callable[[], T]], Memo[T]]:
    """Decorator for a no-argument reader: `@memo(seconds=10)`, then `.watch(Model)` to forget on writes."""

    def wrap(load: Callable[[], T]) -> Memo[T]:
        remembered = Memo(load, seconds=seconds)
        _all.append(remembered)
        return remembered

    return wrap


def forget_all() -> None:
    """Between tests: no test may see another test's settings."""
    for remembered in _all:
        remembered.forget()
