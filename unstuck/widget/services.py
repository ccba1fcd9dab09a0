"""Customer messages from the chat widget and the contact form, filed through conversations.receive_message."""

import mimetypes
import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from unstuck.conversations import services as conversation_services
from unstuck.conversations.models import Attachment, Channel, Conversation, Message
from unstuck.core.errors import DomainError
from unstuck.customers import selectors as customer_selectors
from unstuck.customers import services as customer_services
from unstuck.customers.models import IdentityKind

from . import conf, ratelimit, selectors
from .models import Visitor


def issue_visitor_token() -> str:
    """A new anonymous visitor: only a signed random key; nothing is stored until they write."""
    return signing.dumps({"v": str(uuid.uuid4())}, salt=selectors.TOKEN_SALT, compress=True)


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("empty_message", "Write a message first.")
    limit = conf.get_int("WIDGET_MAX_TEXT")
    if len(text) > limit:
        raise DomainError("message_too_long", f"Keep a message under {limit:,} characters.")
    return text


@transaction.atomic
def post_visitor_message(*, key: uuid.UUID, text: str, ip: str) -> Message:
    """File what the visitor typed on their chat, starting one (and their customer record) if needed.

    Limited per visitor and per IP address, so a script cannot flood the inbox.
    """
    text = _clean_text(text)
    per_minute = "Slow down a little: you can send more messages in a minute."
    ratelimit.check(
        "widget-visitor",
        str(key),
        limit=conf.get_int("WIDGET_MESSAGES_PER_MINUTE"),
        window_seconds=60,
        message=per_minute,
    )
    ratelimit.check(
        "widget-ip", ip, limit=conf.get_int("WIDGET_MESSAGES_PER_IP_MINUTE"), window_seconds=60, message=per_minute
    )
    visitor, _ = Visitor.objects.select_for_update().get_or_create(key=key)
    conversation = selectors.current_conversation(visitor)
    message = conversation_services.receive_message(
        channel=Channel.CHAT,
        text=text,
        identities=[(IdentityKind.EXTERNAL_ID, visitor.identity_value)],
        conversation=conversation,
    )
    # A closed chat gets a follow-up conversation; from now on the widget shows that one.
    visitor.conversation = message.conversation
    visitor.last_seen_at = timezone.now()
    visitor.save(update_fields=["conversation", "last_seen_at", "updated_at"])
    return message


@transaction.atomic
def leave_email(*, key: uuid.UUID, email: str) -> Visitor:
    """Nobody was online: the visitor leaves an address, and the chat continues by email.

    The address joins the visitor's customer, or, if a customer already has it, the visitor's record merges
    into that one, so the person keeps one timeline. The conversation then switches to the email channel,
    so replies are mailed (conversations.tasks.deliver_reply sends email-channel replies).
    """
    visitor = Visitor.objects.select_for_update().filter(key=key).first()
    conversation = selectors.current_conversation(visitor)
    if visitor is None or conversation is None:
        raise DomainError("no_conversation", "Write your question first, then leave your email.")
    customer = customer_selectors.find_customer_by_identity(IdentityKind.EXTERNAL_ID, visitor.identity_value)
    if customer is None:  # the identity was deleted with its customer
        raise DomainError("no_conversation", "Write your question first, then leave your email.")
    customer_services.claim_identity(customer, kind=IdentityKind.EMAIL, value=email, reason="chat visitor left email")
    visitor.email = email.strip().lower()[:254]
    visitor.save(update_fields=["email", "updated_at"])
    conversation.refresh_from_db()  # a merge may have moved it to another customer
    _route_by_email(conversation)
    return visitor


def _route_by_email(conversation: Conversation) -> None:
    """Replies follow the conversation's channel: from now on they go by email."""
    conversation_services.change_channel(
        conversation, channel=Channel.EMAIL, reason="chat visitor left email; nobody was online"
    )


@transaction.atomic
def start_new_chat(*, key: uuid.UUID) -> None:
    """The visitor wants a fresh conversation; the old one stays on their timeline."""
    Visitor.objects.filter(key=key).update(conversation=None, updated_at=timezone.now())


# Contact form --------------------------------------------------------------------------------------------

ALLOWED_ATTACHMENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".zip": "application/zip",
}


@dataclass(frozen=True)
class ContactMessage:
    name: str
    email: str
    subject: str
    message: str
    files: list[UploadedFile]
    ip: str


def attachment_limits() -> dict[str, object]:
    """What the form tells people before they pick files."""
    return {
        "max_files": conf.get_int("CONTACT_MAX_FILES"),
        "max_mb": conf.get_int("CONTACT_MAX_FILE_BYTES") // (1024 * 1024),
        "types": ", ".join(sorted(e.lstrip(".") for e in ALLOWED_ATTACHMENT_TYPES)),
        "accept": ",".join(sorted(ALLOWED_ATTACHMENT_TYPES)),
    }


def check_attachments(files: list[UploadedFile]) -> None:
    """Refuse what we will not store: too many, too large, or a type an agent should not open."""
    max_files, max_bytes = conf.get_int("CONTACT_MAX_FILES"), conf.get_int("CONTACT_MAX_FILE_BYTES")
    if len(files) > max_files:
        raise DomainError("too_many_files", f"Attach at most {max_files} files.")
    for upload in files:
        extension = ("." + (upload.name or "").rsplit(".", 1)[-1].lower()) if "." in (upload.name or "") else ""
        if extension not in ALLOWED_ATTACHMENT_TYPES:
            allowed = ", ".join(sorted(e.lstrip(".") for e in ALLOWED_ATTACHMENT_TYPES))
            raise DomainError("file_type", f"{upload.name} is not a type we accept ({allowed}).")
        if (upload.size or 0) > max_bytes:
            raise DomainError("file_too_large", f"{upload.name} is larger than {max_bytes // (1024 * 1024)} MB.")
    total_limit = conf.get_int("CONTACT_MAX_TOTAL_BYTES")
    if sum(upload.size or 0 for upload in files) > total_limit:
        raise DomainError("files_too_large", f"Attachments add up to more than {total_limit // (1024 * 1024)} MB.")


def check_contact_limits(submission: ContactMessage) -> None:
    hour = 3600
    message = (
        "We have received several messages from you in the last hour. Please wait a little, or reply to our email."
    )
    ratelimit.check(
        "contact-ip", submission.ip, limit=conf.get_int("CONTACT_PER_IP_HOUR"), window_seconds=hour, message=message
    )
    ratelimit.check(
        "contact-email",
        submission.email.strip().lower(),
        limit=conf.get_int("CONTACT_PER_EMAIL_HOUR"),
        window_seconds=hour,
        message=message,
    )


@transaction.atomic
def submit_contact_form(submission: ContactMessage) -> Conversation:
    """A web-form message: a conversation on the web channel, with the attachments stored on its message."""
    check_attachments(submission.files)
    check_contact_limits(submission)
    message = conversation_services.receive_message(
        channel=Channel.WEB,
        text=submission.message,
        identities=[(IdentityKind.EMAIL, submission.email)],
        name=submission.name,
        subject=submission.subject,
    )
    for upload in submission.files:
        store_attachment(message, upload)
    conversation = message.conversation
    conversation.refresh_from_db()
    return conversation


def store_attachment(message: Message, upload: UploadedFile) -> Attachment:
    """Kept with the message; the type comes from the checked extension, never from the browser's claim."""
    filename = get_valid_filename(upload.name or "attachment")[:200]
    content_type = ALLOWED_ATTACHMENT_TYPES.get("." + filename.rsplit(".", 1)[-1].lower()) or (
        mimetypes.guess_type(filename)[0] or "application/octet-stream"
    )
    return conversation_services.add_attachment(
        message, content=upload, filename=filename, content_type=content_type, size=upload.size or 0
    )
