"""Inbound SMTP: an aiosmtpd handler that files each delivered message through the same ingest service."""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.db import close_old_connections

from . import services
from .models import InboundStatus, Source

logger = logging.getLogger(__name__)


def _ingest(raw: bytes, recipients: tuple[str, ...]) -> str:
    close_old_connections()
    try:
        inbound = services.ingest(raw, envelope=services.Envelope(source=Source.SMTP, recipients=recipients))
    finally:
        close_old_connections()
    return inbound.status


class IngestHandler:
    """Accept every message: even mail we cannot file is stored raw, so there is nothing to bounce."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        try:
            status = await sync_to_async(_ingest, thread_sensitive=True)(raw, tuple(envelope.rcpt_tos))
        except Exception:  # the database is down: ask the sender to try again later rather than lose it
            logger.exception("mail.smtp_ingest_failed")
            return "451 Requested action aborted: local error in processing"
        logger.info("mail.smtp_received", extra={"status": status})
        return "250 Message accepted" + ("" if status != InboundStatus.FAILED else " (stored for review)")


def start_listener(host: str, port: int) -> Controller:
    """Start the listener in a background thread; call `.stop()` on the result to end it."""
    controller = Controller(IngestHandler(), hostname=host, port=port, data_size_limit=50 * 1024 * 1024)
    controller.start()
    return controller
