"""Builders for mail tests: a mailbox, and raw messages with only the headers a test is about."""

import factory

from unstuck.mail.models import Mailbox, Security


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    name = "Fernhill Support"
    address = factory.Sequence(lambda n: f"support{n}@fernhill.example.com")
    imap_host = ""
    imap_port = 143
    security = Security.NONE
    username = ""
    password = ""


def eml(
    *,
    text: str = "The export button does nothing.",
    subject: str = "Export button does nothing",
    sender: str = "Dana Example <dana@example.com>",
    to: str = "support@fernhill.example.com",
    message_id: str = "<m1@mail.example.com>",
    headers: str = "",
) -> bytes:
    """A minimal valid email; pass `message_id=""` for one without a Message-ID."""
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    lines += [h for h in headers.strip().splitlines() if h]
    lines += ["Content-Type: text/plain; charset=utf-8", "", text, ""]
    return "\r\n".join(lines).encode()
