"""Filing received mail: threading, idempotency, machine mail, attachments, and problems kept raw."""

from pathlib import Path

import pytest

from tests.conversations.factories import owned_conversation
from unstuck.conversations import services as conversation_services
from unstuck.conversations.models import Conversation, Message, Status
from unstuck.mail import services
from unstuck.mail.models import InboundMail, InboundStatus, Source

from .factories import MailboxFactory, eml

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"


def ingest(raw: bytes, **envelope) -> InboundMail:
    return services.ingest(raw, envelope=services.Envelope(source=envelope.pop("source", Source.PIPE), **envelope))


def test_new_mail_starts_a_conversation_for_the_sender_and_keeps_the_raw_bytes():
    raw = eml()
    inbound = ingest(raw)
    assert inbound.status == InboundStatus.FILED
    message = inbound.message
    assert (message.channel, message.external_id, message.text) == (
        "email",
        "<m1@mail.example.com>",
        "The export button does nothing.",
    )
    assert message.conversation.subject == "Export button does nothing"
    assert message.author_customer.identities.get().value == "dana@example.com"
    assert bytes(inbound.raw) == raw


def test_the_same_mail_twice_is_filed_once():
    first, second = ingest(eml()), ingest(eml())
    assert (first.status, second.status) == (InboundStatus.FILED, InboundStatus.DUPLICATE)
    assert Message.objects.count() == 1
    assert second.conversation_id == first.conversation_id


def test_mail_without_message_id_is_deduplicated_by_its_bytes():
    ingest(eml(message_id=""))
    assert ingest(eml(message_id="")).status == InboundStatus.DUPLICATE
    assert Message.objects.count() == 1


def test_the_same_imap_uid_is_never_read_twice():
    mailbox = MailboxFactory()
    first = ingest(eml(), source=Source.IMAP, mailbox=mailbox, uidvalidity=7, uid=1)
    again = ingest(eml(message_id="<other@x>"), source=Source.IMAP, mailbox=mailbox, uidvalidity=7, uid=1)
    assert again.pk == first.pk
    assert InboundMail.objects.count() == 1


def test_reply_threads_on_in_reply_to_of_our_outbound_message(agent, django_capture_on_commit_callbacks, mailoutbox):
    conversation = owned_conversation(agent, email="dana@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        reply = conversation_services.reply(conversation, text="Try clearing the cache.", actor=agent)
    reply.refresh_from_db()
    assert reply.external_id and mailoutbox
    answer = eml(message_id="<answer@x>", subject="Re: something else", headers=f"In-Reply-To: {reply.external_id}")
    inbound = ingest(answer)
    assert inbound.conversation_id == conversation.pk


def test_reply_threads_on_references_to_an_earlier_customer_message():
    first = ingest(eml(message_id="<first@x>"))
    later = ingest(eml(message_id="<later@x>", subject="other subject", headers="References: <unknown@y> <first@x>"))
    assert later.conversation_id == first.conversation_id


def test_subject_token_threads_when_the_headers_were_dropped():
    first = ingest(eml(message_id="<first@x>"))
    token = f"Re: Export button does nothing [#{first.conversation_id}]"
    assert ingest(eml(message_id="<second@x>", subject=token)).conversation_id == first.conversation_id


def test_unrelated_mail_from_the_same_person_starts_a_new_conversation():
    first = ingest(eml(message_id="<first@x>"))
    other = ingest(eml(message_id="<second@x>", subject="A different problem"))
    assert other.conversation_id != first.conversation_id
    assert Conversation.objects.count() == 2


def test_auto_reply_is_stored_beside_the_conversation_but_does_not_reopen_it(agent):
    conversation = owned_conversation(agent, email="dana@example.com")
    conversation_services.change_status(conversation, status=Status.SOLVED, actor=agent)
    raw = eml(
        message_id="<oof@x>",
        subject=f"Out of office [#{conversation.pk}]",
        headers="Auto-Submitted: auto-replied",
    )
    inbound = ingest(raw)
    conversation.refresh_from_db()
    assert (inbound.status, inbound.conversation_id, conversation.status) == (
        InboundStatus.AUTO_REPLY,
        conversation.pk,
        Status.SOLVED,
    )
    assert not Message.objects.filter(external_id="<oof@x>").exists()


def test_bounce_marks_our_reply_not_delivered(agent, django_capture_on_commit_callbacks):
    conversation = owned_conversation(agent, email="gone@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        reply = conversation_services.reply(conversation, text="Here is the fix.", actor=agent)
    reply.refresh_from_db()
    assert reply.delivery_status == "sent"
    bounce = (
        (CORPUS / "30_bounce_multipart_report.eml")
        .read_bytes()
        .replace(b"<reply-30@fernhill.example.com>", reply.external_id.encode())
    )
    inbound = ingest(bounce)
    reply.refresh_from_db()
    assert (inbound.status, inbound.conversation_id) == (InboundStatus.BOUNCE, conversation.pk)
    assert reply.delivery_status == "failed"
    assert "550 5.1.1 User unknown" in reply.delivery_error


def test_loops_are_kept_raw_only():
    mailbox = MailboxFactory(address="support@fernhill.example.com")
    inbound = ingest(eml(sender="Fernhill Support <support@fernhill.example.com>"), mailbox=mailbox)
    header_loop = ingest((CORPUS / "32_loop_header.eml").read_bytes())
    assert (inbound.status, header_loop.status) == (InboundStatus.LOOP, InboundStatus.LOOP)
    assert Message.objects.count() == 0 and inbound.raw


def test_unparseable_mail_is_stored_with_the_reason():
    raw = (CORPUS / "33_malformed_garbage.eml").read_bytes()
    inbound = ingest(raw)
    assert (inbound.status, inbound.reason, bytes(inbound.raw)) == (
        InboundStatus.FAILED,
        "no headers: this is not an email message",
        raw,
    )


def test_a_filing_error_keeps_the_mail(monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("database says no")

    monkeypatch.setattr(services.conversation_services, "receive_message", explode)
    inbound = ingest(eml())
    assert (inbound.status, inbound.reason) == (InboundStatus.FAILED, "Filing failed: database says no")
    assert inbound.pk and bytes(inbound.raw) == eml()


def test_attachments_are_stored_with_their_sniffed_type(settings):
    inbound = ingest((CORPUS / "24_attachment_type_mismatch.eml").read_bytes())
    [attachment] = inbound.message.attachments.all()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "receipt.pdf",
        "application/x-msdownload",
        103,
    )
    assert attachment.file.read().startswith(b"MZ")


def test_attachments_over_the_limit_stay_in_the_raw_mail_only(settings):
    settings.MAIL_MAX_ATTACHMENT_BYTES = 10
    inbound = ingest((CORPUS / "22_attachment_pdf.eml").read_bytes())
    assert inbound.status == InboundStatus.FILED
    assert not inbound.message.attachments.exists()
    assert "invoice-1042.pdf" in inbound.reason


def test_charset_problems_are_recorded_on_the_received_mail():
    inbound = ingest((CORPUS / "19_wrong_charset_utf8_declared_latin1_bytes.eml").read_bytes())
    assert inbound.status == InboundStatus.FILED
    assert inbound.charset_problems and "René" in inbound.message.text


def test_mailbox_is_found_from_the_recipient_address():
    mailbox = MailboxFactory(address="billing@fernhill.example.com")
    assert ingest(eml(to="Billing <billing@fernhill.example.com>")).mailbox == mailbox
