"""One spelling per identity, so the same person is always recognised."""

import re
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from unstuck.core.errors import DomainError

from .models import IdentityKind

_HANDLE = re.compile(r"^@?[A-Za-z0-9_.\-]{1,64}$")


@lru_cache(maxsize=8192)  # pure; customers write again and again, and checking an address is not free
def normalize_identity(kind: str, value: str) -> str:
    """The stored form of an identity value, or a DomainError saying what is wrong with it."""
    value = (value or "").strip()
    if kind not in IdentityKind.values:
        raise DomainError("invalid_identity_kind", f"Unknown identity kind {kind!r}.")
    if not value:
        raise DomainError("invalid_identity", f"The {kind} is empty.")
    if kind == IdentityKind.EMAIL:
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            raise DomainError("invalid_email", f"{value!r} is not a valid email address: {error}") from error
    if kind == IdentityKind.PHONE:
        digits = re.sub(r"[^\d]", "", value)
        if not 6 <= len(digits) <= 15:
            raise DomainError("invalid_phone", f"{value!r} is not a valid phone number.")
        return "+" + digits
    if kind == IdentityKind.HANDLE:
        if not _HANDLE.match(value):
            raise DomainError("invalid_handle", f"{value!r} is not a valid handle.")
        return "@" + value.lstrip("@").lower()
    if len(value) > 254:
        raise DomainError("invalid_external_id", "The external id is longer than 254 characters.")
    return value
