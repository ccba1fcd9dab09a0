"""Recognise mail no person wrote: auto-replies, bounces and loops are stored but never answered."""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from typing import Any

AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTO_SUBJECT = re.compile(
    r"^(auto(matic)?[ -]?(reply|response)|auto:|out of (the )?office|abwesenheitsnotiz|réponse automatique"
    r"|respuesta automática|autosvar|automatisch antwoord)",
    re.IGNORECASE,
)
DAEMON_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon")
MESSAGE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
LOOP_HEADER = "X-Unstuck-Loop"


def header(msg: Message | Any, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot even split is treated as absent
        return ""
    return str(value).strip() if value is not None else ""


def auto_reply_reason(msg: EmailMessage, *, sender: str, subject: str) -> str:
    """Why this message was sent by a machine, or "" when a person wrote it."""
    auto_submitted = header(msg, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = header(msg, "Precedence").lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        value = header(msg, name)
        if value and value.lower() != "no":
            return f"{name}: {value}"
    if header(msg, "Return-Path") == "<>":
        return "empty Return-Path (sent by a mail system)"
    if is_daemon(sender):
        return f"sent by {sender}"
    if AUTO_SUBJECT.match(subject.strip()):
        return f"subject looks automatic: {subject.strip()[:60]!r}"
    return ""


def is_daemon(sender: str) -> bool:
    return sender.split("@", 1)[0].lower() in DAEMON_SENDERS


def loop_reason(msg: EmailMessage, *, sender: str, own_addresses: set[str]) -> str:
    """Our own mail coming back: it carries our loop header or was sent from one of our mailboxes."""
    if header(msg, LOOP_HEADER):
        return f"carries our {LOOP_HEADER} header"
    if sender and sender.lower() in own_addresses:
        return f"sent from our own mailbox address {sender}"
    return ""


def delivery_report(msg: EmailMessage) -> tuple[str, str]:
    """From a multipart/report delivery-status part: the action ("failed", "delayed") and the diagnostic."""
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            continue
        for block in blocks[1:] or blocks:
            action = header(block, "Action").lower()
            if action:
                why = header(block, "Diagnostic-Code") or header(block, "Status")
                recipient = header(block, "Final-Recipient").split(";")[-1].strip()
                detail = f"{recipient}: {why}" if recipient else why
                return action, re.sub(r"\s+", " ", detail)[:400]
    return "", ""


def referenced_message_ids(msg: EmailMessage, text: str) -> list[str]:
    """Message-IDs of our mail that a bounce is about: the returned headers first, then the bounce's own."""
    found: list[str] = []
    for part in msg.walk():
        content_type = part.get_content_type()
        if content_type == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                returned = re.search(rb"^message-id:\s*(<[^<>\s]+>)", payload, re.IGNORECASE | re.MULTILINE)
                if returned:
                    found.append(returned.group(1).decode("ascii", "replace"))
        elif content_type == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                found.extend(MESSAGE_ID.findall(header(inner[0], "Message-ID")))
    for name in ("In-Reply-To", "References"):
        found.extend(MESSAGE_ID.findall(header(msg, name)))
    for match in re.finditer(r"message-id:\s*(<[^<>\s]+>)", text, re.IGNORECASE):
        found.append(match.group(1))
    return list(dict.fromkeys(found))
