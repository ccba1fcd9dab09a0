"""Push for IMAP mailboxes: one thread per mailbox waits in IDLE and runs the normal poll when mail arrives.

Why: polling every 60 s makes a customer wait up to a minute before their mail shows up in the inbox. Most
servers (Gmail, Dovecot, Exchange) offer IDLE (RFC 2177), where the server tells an open connection the moment
a message lands. The watcher only *notices* new mail; importing stays in `tasks.poll_mailbox` (UIDVALIDITY+UID
and Message-ID keep it idempotent), and the 60-second sweep keeps running as the safety net for every mailbox,
including those whose server has no IDLE.

`start_idle_watchers(stop)` is called by `unstuck worker`: a supervisor thread starts, restarts and stops one
watcher thread per active IMAP mailbox as mailboxes are added, edited or removed (checked every 60 s).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone
from imap_tools import BaseMailBox

from . import conf, imap, selectors
from .models import Mailbox

logger = logging.getLogger(__name__)

# RFC 2177: re-issue IDLE at least every 29 minutes or the server may log us out.
RENEW_SECONDS = 25 * 60
# How long one wait on the socket lasts: bounds how late a watcher notices it should stop.
SLICE_SECONDS = 1.0
# How often the supervisor re-reads the mailboxes, and a watcher says "still idling" on its mailbox.
RECONCILE_SECONDS = 60.0
# Seconds between reconnection attempts after consecutive failures (the last one repeats).
BACKOFF_SECONDS = (1, 5, 15, 60, 300)
# The settings page shows "Push (IDLE)" while Mailbox.idle_until is in the future; a dead worker stops renewing.
IDLE_MARK_SECONDS = 3 * 60

NEW_MAIL = re.compile(rb"^\* \d+ (EXISTS|RECENT)\b", re.IGNORECASE)

Trigger = Callable[[int], None]


def enqueue_poll(mailbox_id: int) -> None:
    """The same import path as the 60-second sweep."""
    from .tasks import poll_mailbox

    poll_mailbox.enqueue(mailbox_id=mailbox_id)


def reports_new_mail(responses: list[bytes]) -> bool:
    return any(NEW_MAIL.match(line) for line in responses)


def drain_new_mail(client: BaseMailBox) -> bool:
    """Whether imaplib filed an EXISTS/RECENT aside while reading a command's answer; forgets what it kept."""
    kept = client.client.untagged_responses
    new_mail = "EXISTS" in kept or "RECENT" in kept
    kept.clear()
    return new_mail


def fingerprint(mailbox: Mailbox) -> tuple[object, ...]:
    """What a watcher's connection depends on: when any of it changes, the watcher is replaced."""
    return (mailbox.imap_host, mailbox.imap_port, mailbox.security, mailbox.username, mailbox.password, mailbox.folder)


def mark_idle(mailbox_id: int, idling: bool) -> None:
    until = timezone.now() + timedelta(seconds=IDLE_MARK_SECONDS) if idling else None
    Mailbox.objects.filter(pk=mailbox_id).update(idle_until=until)


class MailboxWatcher:
    """Keeps one connection to one mailbox in IDLE; calls `trigger(mailbox_id)` when the server reports new mail."""

    def __init__(
        self,
        mailbox_id: int,
        *,
        trigger: Trigger = enqueue_poll,
        renew_seconds: float = RENEW_SECONDS,
        slice_seconds: float = SLICE_SECONDS,
        mark_every: float = RECONCILE_SECONDS,
        backoff: tuple[float, ...] = BACKOFF_SECONDS,
    ) -> None:
        self.mailbox_id = mailbox_id
        self.trigger = trigger
        self.renew_seconds = renew_seconds
        self.slice_seconds = slice_seconds
        self.mark_every = mark_every
        self.backoff = backoff
        self.stop = threading.Event()
        # None until the first login; False when the server does not offer IDLE (the watcher then ends).
        self.idle_supported: bool | None = None
        # Set while push is in use (the connection is in IDLE or importing what IDLE reported); and what we last
        # wrote to the mailbox (None: unknown), so a renewal is one UPDATE a minute, not one per wake-up.
        self.idling = threading.Event()
        self._marked: bool | None = None
        self._marked_at = 0.0
        self.thread = threading.Thread(target=self.run, name=f"unstuck-idle-{mailbox_id}", daemon=True)

    def start(self) -> MailboxWatcher:
        self.thread.start()
        return self

    def close(self, timeout: float | None = None) -> None:
        self.stop.set()
        if timeout is not None:
            self.thread.join(timeout)

    def run(self) -> None:
        failures = 0
        try:
            while not self.stop.is_set():
                mailbox = selectors.list_mailboxes().filter(pk=self.mailbox_id).first()
                if mailbox is None or not mailbox.polls_imap:
                    return
                try:
                    with imap.connect(mailbox) as client:
                        self.idle_supported = imap.supports_idle(client)
                        if not self.idle_supported:
                            logger.info("mail.idle_unsupported", extra={"mailbox": self.mailbox_id})
                            return
                        if failures:  # mail may have arrived while we were away
                            self.trigger(self.mailbox_id)
                        failures = 0
                        self._watch(client)
                except Exception as error:
                    failures += 1
                    delay = self.backoff[min(failures, len(self.backoff)) - 1]
                    logger.warning(
                        "mail.idle_failed",
                        extra={"mailbox": self.mailbox_id, "error": f"{type(error).__name__}: {error}", "retry": delay},
                    )
                    self._set_idling(False)
                    self.stop.wait(delay)
                finally:
                    close_old_connections()
        finally:
            self._set_idling(False)
            connection.close()  # this thread's own database connection

    def _watch(self, client: BaseMailBox) -> None:
        """IDLE until told to stop; leave IDLE to import when the server reports new mail, and renew it regularly."""
        drain_new_mail(client)  # SELECT's own EXISTS: not news
        while not self.stop.is_set():
            client.idle.start()
            started = time.monotonic()
            self._set_idling(True)
            # Mail that landed while we were importing is reported as IDLE starts, before or after its "+".
            new_mail = drain_new_mail(client)
            while not new_mail and not self.stop.is_set() and time.monotonic() - started < self.renew_seconds:
                waited_from = time.monotonic()
                responses = client.idle.poll(timeout=self.slice_seconds)
                if reports_new_mail(responses):
                    new_mail = True
                    break
                if not responses and time.monotonic() - waited_from < self.slice_seconds / 2:
                    break  # the socket woke with nothing to read: closed; DONE below fails and we reconnect
                self._set_idling(True)  # renews the mark on the mailbox when it is due
            _, responses = client.idle.stop()
            if drain_new_mail(client) or new_mail or reports_new_mail(responses):
                self.trigger(self.mailbox_id)
                close_old_connections()

    def _set_idling(self, idling: bool) -> None:
        """Keep Mailbox.idle_until in step: written when the state changes, renewed every `mark_every` seconds."""
        now = time.monotonic()
        if self._marked != idling or (idling and now - self._marked_at >= self.mark_every):
            try:
                mark_idle(self.mailbox_id, idling)
                self._marked, self._marked_at = idling, now
            except Exception as error:  # only the settings page's label depends on it; tried again next time
                logger.warning("mail.idle_mark_failed", extra={"mailbox": self.mailbox_id, "error": str(error)})
                self._marked = None
            close_old_connections()
        if idling:
            self.idling.set()
        else:
            self.idling.clear()


class IdleSupervisor:
    """One watcher per active IMAP mailbox, kept in step with the mailbox settings."""

    def __init__(self, stop: threading.Event, *, every: float = RECONCILE_SECONDS, **watcher_options: Any) -> None:
        self.stop = stop
        self.every = every
        self.watcher_options = watcher_options
        self.watchers: dict[int, tuple[tuple[object, ...], MailboxWatcher]] = {}
        self.thread = threading.Thread(target=self.run, name="unstuck-idle-supervisor", daemon=True)

    def start(self) -> IdleSupervisor:
        self.thread.start()
        return self

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    self.reconcile()
                except Exception:  # e.g. the database is briefly unavailable; try again next round
                    logger.exception("mail.idle_reconcile_failed")
                finally:
                    close_old_connections()
                self.stop.wait(self.every)
        finally:
            for _, watcher in self.watchers.values():
                watcher.stop.set()
            for _, watcher in self.watchers.values():
                watcher.thread.join(timeout=5)
            connection.close()

    def reconcile(self) -> None:
        wanted = {m.pk: fingerprint(m) for m in selectors.list_mailboxes().filter(is_active=True) if m.polls_imap}
        for mailbox_id, (seen, watcher) in list(self.watchers.items()):
            if wanted.get(mailbox_id) != seen:
                watcher.close()
                del self.watchers[mailbox_id]
            elif watcher.idle_supported is not False and not watcher.thread.is_alive():
                del self.watchers[mailbox_id]  # ended unexpectedly: start a fresh one below
        for mailbox_id, current in wanted.items():
            if mailbox_id not in self.watchers:
                watcher = MailboxWatcher(mailbox_id, **self.watcher_options)
                self.watchers[mailbox_id] = (current, watcher.start())


def start_idle_watchers(stop: threading.Event) -> threading.Thread | None:
    """Start the supervisor (a daemon thread) unless IDLE is switched off with MAIL_IMAP_IDLE = False."""
    if not conf.imap_idle_enabled():
        return None
    return IdleSupervisor(stop).start().thread
