"""The mail settings, read in one place (settings.MAIL_* with defaults until they are declared in base.py)."""

from django.conf import settings

DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
DEFAULT_POLL_SECONDS = 60
# Seconds to wait before the second and third delivery attempt.
DEFAULT_RETRY_BACKOFF = (60, 300)


def max_attachment_bytes() -> int:
    return int(getattr(settings, "MAIL_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES))


def retry_backoff() -> tuple[int, ...]:
    return tuple(getattr(settings, "MAIL_RETRY_BACKOFF", DEFAULT_RETRY_BACKOFF))


def imap_idle_enabled() -> bool:
    """`unstuck worker` keeps an IDLE connection to each mailbox whose server offers it (push instead of polling)."""
    return bool(getattr(settings, "MAIL_IMAP_IDLE", True))


def smtp_listen_port() -> int | None:
    port = getattr(settings, "UNSTUCK_SMTP_PORT", None)
    return int(port) if port else None
