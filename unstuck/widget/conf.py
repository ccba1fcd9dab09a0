"""The widget's and contact form's tunables, read in one place.

Each value can be overridden by a Django setting of the same name (e.g. WIDGET_ALLOWED_ORIGINS in
settings/base.py); the defaults suit a small desk.
"""

from django.conf import settings

_DEFAULTS: dict[str, object] = {
    # Sites allowed to embed the widget; "*" is safe because the visitor token is not a cookie.
    "WIDGET_ALLOWED_ORIGINS": ["*"],
    # Posting limits: per visitor and per IP address, per minute (fixed windows).
    "WIDGET_MESSAGES_PER_MINUTE": 20,
    "WIDGET_MESSAGES_PER_IP_MINUTE": 60,
    "WIDGET_MAX_TEXT": 5_000,
    # An available agent counts as online if they signed in or had a conversation open this recently.
    "WIDGET_ONLINE_WINDOW_MINUTES": 15,
    # Server-sent events: how often the stream looks for replies, sends a keep-alive comment, and ends
    # (the browser reconnects at once with Last-Event-ID, so no reply is lost).
    "WIDGET_STREAM_POLL_SECONDS": 0.25,
    "WIDGET_STREAM_HEARTBEAT_SECONDS": 15.0,
    "WIDGET_STREAM_SECONDS": 55.0,
    # Contact form: submissions per IP and per email address per hour; attachments.
    "CONTACT_PER_IP_HOUR": 5,
    "CONTACT_PER_EMAIL_HOUR": 3,
    "CONTACT_MAX_FILES": 5,
    "CONTACT_MAX_FILE_BYTES": 10 * 1024 * 1024,
    "CONTACT_MAX_TOTAL_BYTES": 20 * 1024 * 1024,
}


def get(name: str) -> object:
    return getattr(settings, name, _DEFAULTS[name])


def get_int(name: str) -> int:
    return int(get(name))  # type: ignore[call-overload]


def get_float(name: str) -> float:
    return float(get(name))  # type: ignore[arg-type]


def allowed_origins() -> list[str]:
    return list(get("WIDGET_ALLOWED_ORIGINS"))  # type: ignore[call-overload]
