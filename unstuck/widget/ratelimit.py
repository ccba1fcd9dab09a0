"""Fixed-window counters in Django's cache: enough to stop floods and scripts, no extra service needed."""

import hashlib

from django.core.cache import cache

from unstuck.core.errors import DomainError


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, message: str) -> None:
        super().__init__("rate_limited", message)


def _key(scope: str, subject: str, window: int) -> str:
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{window}:{digest}"


def hit(scope: str, subject: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once `subject` has used up `limit` attempts in this window."""
    key = _key(scope, subject, window_seconds)
    if cache.add(key, 1, timeout=window_seconds):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def check(scope: str, subject: str, *, limit: int, window_seconds: int, message: str) -> None:
    """Count one attempt and refuse it with a readable message past the limit."""
    if not hit(scope, subject, limit=limit, window_seconds=window_seconds):
        raise RateLimited(message)


def client_ip(meta: dict[str, object]) -> str:
    """The caller's address as the server saw it (a proxy must set REMOTE_ADDR, e.g. uvicorn --proxy-headers)."""
    return str(meta.get("REMOTE_ADDR") or "unknown")
