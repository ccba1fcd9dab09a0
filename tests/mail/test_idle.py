"""IMAP IDLE against a real Dovecot server: pushed mail is filed without a poll, and watchers follow the settings.

Transactional: the watcher threads use their own database connections and must see committed rows.
"""

import queue
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import OperationalError
from django_tasks.signals import task_finished
from imap_tools import MailBoxUnencrypted

from unstuck.conversations.models import Message
from unstuck.mail import idle, imap
from unstuck.mail.models import Mailbox

from .factories import MailboxFactory, eml
from .test_imap import append

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 10
T = TypeVar("T")


def eventually(check: Callable[[], bool], seconds: float = WAIT_SECONDS) -> bool:
    """True as soon as `check()` is; False after `seconds`. Retries reads that meet the watcher's write lock."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except OperationalError:  # SQLite's shared in-memory test database: a table locked for a moment
            pass
        time.sleep(0.05)
    return False


def retrying(write: Callable[[], T]) -> T:
    """The test's own write, retried while a watcher thread holds the table (as `eventually` does for reads)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return write()
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture
def finished_polls():
    """Each poll_mailbox task that finishes, in whichever thread ran it: wait on this rather than read the database
    while the watcher writes (SQLite's shared in-memory test database locks whole tables)."""
    finished: queue.Queue[str] = queue.Queue()

    def on_finished(sender, task_result, **kwargs):
        if task_result.task.module_path == "unstuck.mail.tasks.poll_mailbox":
            finished.put(task_result.status)

    task_finished.connect(on_finished, weak=False)
    yield finished
    task_finished.disconnect(on_finished)


@pytest.fixture
def mailbox(dovecot) -> Mailbox:
    host, port, user, password = dovecot
    return MailboxFactory(imap_host=host, imap_port=port, username=user, password=password, folder="INBOX")


@pytest.fixture
def watcher(mailbox):
    watcher = idle.MailboxWatcher(mailbox.pk, slice_seconds=0.2).start()
    yield watcher
    watcher.close(timeout=5)


def filed(message_id: str) -> bool:
    return Message.objects.filter(external_id=message_id, conversation__isnull=False).exists()


def test_new_mail_pushed_over_idle_is_filed_without_a_poll(mailbox, watcher, finished_polls):
    assert watcher.idling.wait(WAIT_SECONDS), "the watcher never entered IDLE"
    assert watcher.idle_supported is True
    assert eventually(lambda: Mailbox.objects.get(pk=mailbox.pk).receives_push)

    append(mailbox, eml(message_id="<pushed@example.com>", subject="Pushed, not polled"))

    assert finished_polls.get(timeout=WAIT_SECONDS) == "SUCCESSFUL"
    assert eventually(lambda: filed("<pushed@example.com>"))
    # Back in IDLE after the import, and the next message arrives the same way.
    append(mailbox, eml(message_id="<second@example.com>", subject="Another one"))
    assert finished_polls.get(timeout=WAIT_SECONDS) == "SUCCESSFUL"
    assert eventually(lambda: filed("<second@example.com>"))
    assert Message.objects.filter(external_id="<pushed@example.com>").count() == 1

    watcher.close(timeout=5)
    assert not watcher.thread.is_alive()
    assert Mailbox.objects.get(pk=mailbox.pk).idle_until is None


def test_a_watcher_renews_idle_and_still_sees_new_mail(mailbox):
    calls: list[int] = []
    watcher = idle.MailboxWatcher(mailbox.pk, trigger=calls.append, renew_seconds=0.5, slice_seconds=0.1).start()
    try:
        assert watcher.idling.wait(WAIT_SECONDS)
        time.sleep(1.2)  # at least two renewals (DONE, then IDLE again) on the same connection
        assert watcher.thread.is_alive() and not calls
        append(mailbox, eml(message_id="<after-renew@example.com>"))
        assert eventually(lambda: calls == [mailbox.pk])
    finally:
        watcher.close(timeout=5)
    assert not watcher.thread.is_alive()


def test_without_idle_on_the_server_the_watcher_ends_and_polling_carries_on(mailbox, monkeypatch):
    monkeypatch.setattr(imap, "supports_idle", lambda client: False)
    watcher = idle.MailboxWatcher(mailbox.pk).start()
    watcher.thread.join(WAIT_SECONDS)
    assert not watcher.thread.is_alive()
    assert watcher.idle_supported is False
    assert not Mailbox.objects.get(pk=mailbox.pk).receives_push


def test_a_failed_login_is_retried_with_backoff(mailbox, caplog):
    Mailbox.objects.filter(pk=mailbox.pk).update(password="wrong")
    watcher = idle.MailboxWatcher(mailbox.pk, backoff=(0.1,)).start()
    try:
        assert eventually(lambda: any(r.getMessage() == "mail.idle_failed" for r in caplog.records))
        assert watcher.thread.is_alive() and not watcher.idling.is_set()
        retrying(lambda: Mailbox.objects.filter(pk=mailbox.pk).update(password=mailbox.password))
        assert watcher.idling.wait(WAIT_SECONDS), "the watcher did not recover once the password was fixed"
    finally:
        watcher.close(timeout=5)


def test_the_supervisor_follows_mailboxes_being_added_changed_and_removed(dovecot, finished_polls):
    host, port, user, password = dovecot
    stop = threading.Event()
    supervisor = idle.IdleSupervisor(stop, every=0.1, slice_seconds=0.2)
    supervisor.start()
    try:
        mailbox = retrying(lambda: MailboxFactory(imap_host=host, imap_port=port, username=user, password=password))
        retrying(MailboxFactory)  # send only: no IMAP, no watcher
        assert eventually(
            lambda: mailbox.pk in supervisor.watchers and supervisor.watchers[mailbox.pk][1].idling.is_set()
        )
        assert set(supervisor.watchers) == {mailbox.pk}
        first = supervisor.watchers[mailbox.pk][1]

        append(mailbox, eml(message_id="<via-supervisor@example.com>"))
        assert finished_polls.get(timeout=WAIT_SECONDS) == "SUCCESSFUL"
        assert eventually(lambda: filed("<via-supervisor@example.com>"))

        with MailBoxUnencrypted(host, port).login(user, password) as box:
            box.folder.create("Support")
        # An edit to the connection settings:
        retrying(lambda: Mailbox.objects.filter(pk=mailbox.pk).update(folder="Support"))
        assert eventually(lambda: supervisor.watchers.get(mailbox.pk, (None, first))[1] is not first)
        first.thread.join(5)
        assert not first.thread.is_alive()
        assert supervisor.watchers[mailbox.pk][1].idling.wait(WAIT_SECONDS)

        retrying(lambda: Mailbox.objects.filter(pk=mailbox.pk).update(is_active=False))
        assert eventually(lambda: not supervisor.watchers)
    finally:
        stop.set()
        supervisor.thread.join(10)
    assert not supervisor.thread.is_alive()
    assert all(not w.thread.is_alive() for _, w in supervisor.watchers.values())


def test_only_exists_and_recent_count_as_new_mail():
    assert idle.reports_new_mail([b"* 4 EXISTS"])
    assert idle.reports_new_mail([b"* OK Still here", b"* 1 RECENT"])
    assert not idle.reports_new_mail([b"* 3 EXPUNGE", b"* 2 FETCH (FLAGS (\\Seen))", b"* OK Still here"])
