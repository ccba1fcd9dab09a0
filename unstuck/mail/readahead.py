"""The part of taking in mail that needs no database: parse it, and read a customer's text for triage.

Runs in worker processes started by mail.pipeline, so it imports neither Django nor the models: the
process gets what it needs (our own addresses, the size limit, the triage model) once, when it starts.
"""

from __future__ import annotations

import logging

from unstuck.triage.engine.hierarchy import HierarchyModel
from unstuck.triage.engine.reading import TextReading, read_text

from .parsing import ParsedEmail, parse_email

logger = logging.getLogger(__name__)


class _Setup:
    own_addresses: frozenset[str] = frozenset()
    max_attachment_bytes: int | None = None
    model: HierarchyModel | None = None
    engine: str = "default"


def start(own_addresses: frozenset[str], max_attachment_bytes: int | None, model: HierarchyModel, engine: str) -> None:
    """Pool initializer: runs once in each worker process."""
    _Setup.own_addresses, _Setup.max_attachment_bytes = own_addresses, max_attachment_bytes
    _Setup.model, _Setup.engine = model, engine


def read(raw: bytes) -> tuple[ParsedEmail, TextReading | None]:
    parsed = parse_email(raw, own_addresses=_Setup.own_addresses, max_attachment_bytes=_Setup.max_attachment_bytes)
    reading = None
    if parsed.is_customer_mail and _Setup.model is not None:
        try:
            reading = read_text(parsed.message_text, _Setup.model, engine=_Setup.engine)
        except Exception:  # the filing process reads it again itself
            logger.exception("mail.read_ahead_failed")
    return parsed, reading


def read_many(raws: list[bytes]) -> list[tuple[ParsedEmail, TextReading | None]]:
    """A chunk per task: one round trip to the worker per chunk, not per mail."""
    return [read(raw) for raw in raws]
