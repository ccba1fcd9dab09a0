"""The poller against a real Dovecot server: imports once, flags what it took, survives a UIDVALIDITY change."""

import pytest
from imap_tools import MailBoxUnencrypted

from unstuck.conversations.models import Message
from unstuck.mail import imap, pipeline, tasks
from unstuck.mail.models import InboundMail, InboundStatus, Mailbox

from .factories import MailboxFactory, eml

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(dovecot) -> Mailbox:
    host, port, user, password = dovecot
    return MailboxFactory(imap_host=host, imap_port=port, username=user, password=password, folder="INBOX")


def append(mailbox: Mailbox, *messages: bytes, folder: str | None = None) -> None:
    with MailBoxUnencrypted(mailbox.imap_host, mailbox.imap_port).login(mailbox.username, mailbox.password) as box:
        for raw in messages:
            box.append(raw, folder or mailbox.folder)


def server_flags(mailbox: Mailbox) -> list[tuple[str, ...]]:
    with MailBoxUnencrypted(mailbox.imap_host, mailbox.imap_port).login(mailbox.username, mailbox.password) as box:
        return [m.flags for m in box.fetch(mark_seen=False, headers_only=True)]


def test_poll_imports_new_mail_once_and_flags_it(mailbox):
    first = eml(message_id="<a@example.com>", subject="Export fails")
    reply = eml(message_id="<b@example.com>", subject="Re: Export fails", headers="In-Reply-To: <a@example.com>")
    other = eml(message_id="<c@example.com>", subject="Refund", sender="Sam <sam@example.com>")
    append(mailbox, first, reply, other)

    result = imap.poll(mailbox)
    mailbox.refresh_from_db()

    assert (result.fetched, result.filed) == (3, 3)
    assert mailbox.last_uid == 3 and mailbox.uidvalidity
    a, b = Message.objects.get(external_id="<a@example.com>"), Message.objects.get(external_id="<b@example.com>")
    assert a.conversation_id == b.conversation_id
    assert Message.objects.get(external_id="<c@example.com>").conversation_id != a.conversation_id
    assert all({"\\Seen", imap.PROCESSED_KEYWORD} <= set(flags) for flags in server_flags(mailbox))

    again = imap.poll(mailbox)
    assert (again.fetched, again.filed) == (0, 0)
    assert InboundMail.objects.count() == 3

    append(mailbox, eml(message_id="<d@example.com>", subject="New question"))
    assert imap.poll(mailbox).fetched == 1
    assert Message.objects.count() == 4


def test_a_new_uidvalidity_rereads_the_folder_without_filing_twice(mailbox):
    with MailBoxUnencrypted(mailbox.imap_host, mailbox.imap_port).login(mailbox.username, mailbox.password) as box:
        box.folder.create("Support")
    mailbox.folder = "Support"
    mailbox.save()
    old = [eml(message_id=f"<old{i}@example.com>", subject=f"Old {i}") for i in range(2)]
    append(mailbox, *old)
    assert imap.poll(mailbox).filed == 2
    mailbox.refresh_from_db()
    first_validity = mailbox.uidvalidity

    # The folder is rebuilt on the server (e.g. a migration): same mail, new numbering, plus one new message.
    with MailBoxUnencrypted(mailbox.imap_host, mailbox.imap_port).login(mailbox.username, mailbox.password) as box:
        box.folder.delete("Support")
        box.folder.create("Support")
    append(mailbox, *old, eml(message_id="<new@example.com>", subject="New"))
    result = imap.poll(mailbox)
    mailbox.refresh_from_db()

    assert mailbox.uidvalidity != first_validity
    assert (result.uidvalidity_changed, result.fetched, result.filed) == (True, 3, 1)
    assert Message.objects.count() == 3
    assert InboundMail.objects.filter(status=InboundStatus.DUPLICATE).count() == 2


def test_the_poll_task_records_a_login_failure_on_the_mailbox(mailbox):
    mailbox.password = "wrong"
    mailbox.save()
    tasks.poll_mailbox.call(mailbox_id=mailbox.pk)
    mailbox.refresh_from_db()
    assert "fail" in mailbox.last_error.lower() or "auth" in mailbox.last_error.lower()
    assert mailbox.last_polled_at is not None


def test_the_sweep_polls_every_active_mailbox(mailbox):
    append(mailbox, eml(message_id="<sweep@example.com>"))
    tasks.poll_mailboxes.call()
    assert Message.objects.filter(external_id="<sweep@example.com>").exists()


def test_a_backlog_is_read_ahead_by_a_worker_and_each_mail_flagged(mailbox, monkeypatch):
    monkeypatch.setattr(pipeline, "POOL_MIN", 3)
    monkeypatch.setattr(pipeline, "CHUNK", 2)
    monkeypatch.setattr(pipeline, "default_workers", lambda: 1)
    used_pool = []
    file_in_order = pipeline._file_in_order
    monkeypatch.setattr(pipeline, "_file_in_order", lambda *a, **k: used_pool.append(1) or file_in_order(*a, **k))
    append(mailbox, *(eml(message_id=f"<b{i}@example.com>", subject=f"Backlog {i}") for i in range(5)))

    result = imap.poll(mailbox)
    mailbox.refresh_from_db()

    assert used_pool and (result.fetched, result.filed) == (5, 5)
    assert mailbox.last_uid == 5
    assert all({"\\Seen", imap.PROCESSED_KEYWORD} <= set(flags) for flags in server_flags(mailbox))
    assert list(Message.objects.order_by("id").values_list("external_id", flat=True)) == [
        f"<b{i}@example.com>" for i in range(5)
    ]
