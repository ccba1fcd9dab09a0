"""Mailbox settings, the Mail problems page, and the parse-email / ingest-email commands."""

import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from unstuck.mail import services
from unstuck.mail.models import InboundMail, InboundStatus, Mailbox, Source

from .factories import MailboxFactory, eml

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"
MAILBOX_FORM = {
    "name": "Fernhill Support",
    "address": "Help@Fernhill.example.com",
    "imap_host": "imap.example.com",
    "imap_port": "993",
    "security": "ssl",
    "username": "help@fernhill.example.com",
    "password": "app-password-123",
    "folder": "INBOX",
    "is_active": "on",
}


def test_a_lead_adds_a_mailbox_and_the_password_is_never_shown_back(lead_web):
    response = lead_web.post("/settings/mailboxes/", MAILBOX_FORM)
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert (mailbox.address, mailbox.password, mailbox.imap_port) == (
        "help@fernhill.example.com",
        "app-password-123",
        993,
    )
    edit_page = lead_web.get(f"/settings/mailboxes/{mailbox.pk}/").content.decode()
    assert "help@fernhill.example.com" in edit_page and "app-password-123" not in edit_page

    lead_web.post(f"/settings/mailboxes/{mailbox.pk}/", {**MAILBOX_FORM, "password": "", "folder": "Support"})
    mailbox.refresh_from_db()
    assert (mailbox.folder, mailbox.password) == ("Support", "app-password-123")  # blank keeps the stored one


def test_agents_cannot_configure_mailboxes(web):
    assert web.get("/settings/mailboxes/").status_code == 403
    assert web.post("/settings/mailboxes/", MAILBOX_FORM).status_code == 403
    assert not Mailbox.objects.exists()


def test_mail_problems_page_shows_unfiled_mail_with_its_reason_and_the_raw_download(web):
    raw = (CORPUS / "33_malformed_garbage.eml").read_bytes()
    inbound = services.ingest(raw, envelope=services.Envelope(source=Source.PIPE))
    page = web.get("/mail/problems/").content.decode()
    assert "no headers: this is not an email message" in page
    download = web.get(f"/mail/received/{inbound.pk}.eml")
    assert (download["Content-Type"], download.content) == ("message/rfc822", raw)
    web.post(f"/mail/received/{inbound.pk}/resolve/")
    assert "no headers" not in web.get("/mail/problems/").content.decode()
    assert InboundMail.objects.get().raw  # resolving never deletes the mail


def test_loops_have_their_own_tab(web):
    MailboxFactory(address="support@fernhill.example.com")
    services.ingest(eml(sender="support@fernhill.example.com"), envelope=services.Envelope(source=Source.PIPE))
    page = web.get("/mail/problems/?status=loop").content.decode()
    assert "sent from our own mailbox address" in page


def test_parse_email_prints_one_json_object():
    out = io.StringIO()
    call_command("parse_email", str(CORPUS / "02_gmail_reply.eml"), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["reply_text"] == "Thanks, clearing the cache fixed it!"
    assert data["in_reply_to"] == "<reply-1@fernhill.example.com>"
    assert data["from"]["address"] == "dana@example.com"
    assert data["auto_reply"] == {"value": False, "why": ""} and data["bounce"] is False and data["error"] is None
    expected = {"subject", "to", "cc", "message_id", "references", "text", "signature", "html_sanitized"}
    assert expected <= set(data) and {"attachments", "charset_problems"} <= set(data)


@pytest.mark.parametrize("path", [CORPUS / "33_malformed_garbage.eml", Path("/nonexistent/mail.eml")])
def test_parse_email_reports_unreadable_input_as_an_error_field(path):
    out = io.StringIO()
    call_command("parse_email", str(path), "--json", stdout=out)  # returns normally: exit status 0
    assert json.loads(out.getvalue())["error"]


def test_ingest_email_files_a_message_from_standard_input(monkeypatch):
    raw = eml(message_id="<piped@example.com>")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("ingest_email", stdout=out)
    inbound = InboundMail.objects.get()
    assert (inbound.source, inbound.status) == (Source.PIPE, InboundStatus.FILED)
    assert out.getvalue().startswith(f"filed in conversation #{inbound.conversation_id}")


def test_the_mailboxes_page_says_whether_mail_is_pushed_or_polled(lead_web):
    from datetime import timedelta

    from django.utils import timezone

    MailboxFactory(name="Polled", imap_host="imap.example.com", username="a")
    MailboxFactory(
        name="Pushed", imap_host="imap.example.com", username="b", idle_until=timezone.now() + timedelta(minutes=2)
    )
    MailboxFactory(
        name="Stale", imap_host="imap.example.com", username="c", idle_until=timezone.now() - timedelta(seconds=1)
    )
    page = lead_web.get("/settings/mailboxes/").content.decode()
    assert page.count("Push (IDLE)") == 1
    assert page.count("Polling every 60 s") == 2
