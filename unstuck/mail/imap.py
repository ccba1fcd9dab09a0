"""Read a mailbox over IMAP: new UIDs since the bookmark, each filed once, then flagged as processed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted, U
from imap_tools.message import MailMessage

from . import pipeline, services
from .models import InboundStatus, Mailbox, Security, Source

logger = logging.getLogger(__name__)

# Set beside \Seen, so people sharing the mailbox can tell what the desk has taken in.
PROCESSED_KEYWORD = "$UnstuckImported"
FETCH_BATCH = 50
TIMEOUT_SECONDS = 30


class RawMailMessage(MailMessage):
    """imap-tools parses with the compat policy and drops the bytes; we keep them to parse ourselves."""

    def __init__(self, fetch_data: list[Any]) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]


@dataclass
class PollResult:
    fetched: int = 0
    filed: int = 0
    uidvalidity_changed: bool = False


def connect(mailbox: Mailbox) -> BaseMailBox:
    client: BaseMailBox
    host, port = mailbox.imap_host, mailbox.imap_port
    if mailbox.security == Security.SSL:
        client = MailBox(host, port, timeout=TIMEOUT_SECONDS)
    elif mailbox.security == Security.STARTTLS:
        client = MailBoxStartTls(host, port, timeout=TIMEOUT_SECONDS)
    else:
        client = MailBoxUnencrypted(host, port, timeout=TIMEOUT_SECONDS)
    client.email_message_class = RawMailMessage
    return client.login(mailbox.username, mailbox.password, initial_folder=mailbox.folder)


def poll(mailbox: Mailbox) -> PollResult:
    """Import everything above the remembered UID; a new UIDVALIDITY restarts from the first message."""
    result = PollResult()
    with connect(mailbox) as client:
        status = client.folder.status(mailbox.folder, ["UIDVALIDITY"])
        uidvalidity = int(status["UIDVALIDITY"])
        last_uid = mailbox.last_uid
        if mailbox.uidvalidity is not None and mailbox.uidvalidity != uidvalidity:
            # The server renumbered the folder: read it all again; Message-IDs keep us from filing twice.
            logger.warning("mail.uidvalidity_changed", extra={"mailbox": mailbox.pk, "was": mailbox.uidvalidity})
            result.uidvalidity_changed, last_uid = True, 0
        services.record_poll(mailbox, uidvalidity=uidvalidity, last_uid=last_uid)
        # "N:*" always matches the highest UID, even below N, so filter again here.
        uids = [uid for uid in client.uids(AND(uid=U(str(last_uid + 1), "*"))) if int(uid) > last_uid]
        # A backlog (a newly connected mailbox, a long outage) is parsed ahead in worker processes.
        for inbound in pipeline.ingest_many(_fetch(client, uids, mailbox, uidvalidity)):
            assert inbound.uid is not None
            result.fetched += 1
            result.filed += inbound.status == InboundStatus.FILED
            _flag_processed(client, str(inbound.uid))
            last_uid = max(last_uid, inbound.uid)
            services.record_poll(mailbox, last_uid=last_uid)
    return result


def _fetch(
    client: BaseMailBox, uids: list[str], mailbox: Mailbox, uidvalidity: int
) -> Iterator[tuple[bytes, services.Envelope]]:
    """Raw mails with their IMAP position, FETCH_BATCH at a time (each batch read whole before the next)."""
    for start in range(0, len(uids), FETCH_BATCH):
        for item in client.fetch(uid_list=uids[start : start + FETCH_BATCH], mark_seen=False, bulk=True):
            assert isinstance(item, RawMailMessage) and item.uid is not None
            yield (
                item.raw,
                services.Envelope(source=Source.IMAP, mailbox=mailbox, uidvalidity=uidvalidity, uid=int(item.uid)),
            )


def _flag_processed(client: BaseMailBox, uid: str) -> None:
    try:
        client.flag(uid, ["\\Seen", PROCESSED_KEYWORD], True)
    except Exception:  # a server without custom keywords still gets \Seen
        client.flag(uid, "\\Seen", True)


def supports_idle(client: BaseMailBox) -> bool:
    return "IDLE" in client.client.capabilities
