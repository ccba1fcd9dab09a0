"""Read one raw email into plain facts: addresses, threading ids, text, safe HTML, attachments, machine mail.

Pure: no database and no settings, so the parse-email command, the ingest service, the tests and the
benchmark all read mail the same way.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from typing import Any

import nh3

from . import automatic, charsets, quotes, sniff
from .htmltext import html_to_text

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
REPORT_SKIPPED = {"message/delivery-status", "text/rfc822-headers", "message/disposition-notification"}


@dataclass
class ParsedAttachment:
    name: str
    content_type: str  # what the bytes are (sniffed), falling back to the declared type
    declared_type: str
    size: int
    inline: bool = False
    content_id: str = ""
    type_mismatch: bool = False
    too_large: bool = False
    data: bytes = field(default=b"", repr=False)


@dataclass
class ParsedEmail:
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    date: str = ""
    text: str = ""
    reply_text: str = ""
    signature: str = ""
    quoted: str = ""
    quote_style: str = ""
    html: str = ""
    html_sanitized: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto_reply_why: str = ""
    bounce: bool = False
    bounce_action: str = ""
    bounce_reason: str = ""
    bounce_references: list[str] = field(default_factory=list)
    loop_why: str = ""
    charset_problems: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def auto_reply(self) -> bool:
        return bool(self.auto_reply_why)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this mail answers, nearest first."""
        ids = ([self.in_reply_to] if self.in_reply_to else []) + list(reversed(self.references))
        return list(dict.fromkeys(ids))

    @property
    def is_customer_mail(self) -> bool:
        """Readable mail from a person: filed as a customer's message unless it turns out to answer a vendor."""
        return not (self.error or self.loop_why or self.bounce or self.auto_reply)

    @property
    def message_text(self) -> str:
        """The text a customer's message is filed with (the full text; quotes are folded only on display)."""
        names = ", ".join(a.name for a in self.attachments)
        return self.text or (f"(attachments only: {names})" if names else "") or self.subject or "(empty message)"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["from"] = {"name": data.pop("from_name"), "address": data.pop("from_address")}
        data["attachments"] = [{k: v for k, v in a.items() if k != "data"} for a in data["attachments"]]
        data["auto_reply"] = {"value": self.auto_reply, "why": data.pop("auto_reply_why")}
        data["loop"] = {"value": bool(self.loop_why), "why": data.pop("loop_why")}
        data["error"] = self.error or None
        del data["html"]
        return data


def parse_email(
    raw: bytes, *, own_addresses: set[str] | frozenset[str] = frozenset(), max_attachment_bytes: int | None = None
) -> ParsedEmail:
    """Parse `raw`; never raises: unreadable mail comes back with `error` set."""
    parsed = ParsedEmail()
    if not raw or not raw.strip():
        parsed.error = "empty message"
        return parsed
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(msg, EmailMessage)
        _read_headers(msg, parsed)
        if not parsed.from_address:
            parsed.error = "no sender address (From header missing or unreadable)"
        _read_body(msg, parsed, max_attachment_bytes)
        _read_machine_mail(msg, parsed, own_addresses)
        parsed.defects = sorted({type(d).__name__ for part in msg.walk() for d in part.defects})
    except Exception as error:  # the promise is "exits 0 for any input": describe, never crash
        parsed.error = f"unreadable: {type(error).__name__}: {error}"
    if not msg_has_headers(raw):
        parsed.error = "no headers: this is not an email message"
    return parsed


def msg_has_headers(raw: bytes) -> bool:
    head = raw.lstrip()[:2000]
    if head.startswith(b"From "):  # an mbox separator line before the headers
        head = head.split(b"\n", 1)[-1]
    return bool(re.match(rb"^[A-Za-z0-9-]+:", head))


def _header(msg: EmailMessage, name: str, parsed: ParsedEmail) -> str:
    value = automatic.header(msg, name)
    value, problem = charsets.repair_header(value)
    if problem:
        parsed.charset_problems.append(f"{name} {problem}")
    return re.sub(r"\s+", " ", value).strip()


def _addresses(msg: EmailMessage, name: str) -> list[tuple[str, str]]:
    try:
        value = msg.get(name)
        if value is not None and hasattr(value, "addresses"):
            addresses: tuple[Address, ...] = value.addresses
            return [(a.display_name, a.addr_spec) for a in addresses if "@" in a.addr_spec]
    except Exception:  # fall back to the lenient stdlib splitter below
        pass
    raw = [str(v) for v in msg.get_all(name, [])]
    return [(n, a) for n, a in getaddresses(raw) if "@" in a]


def _read_headers(msg: EmailMessage, parsed: ParsedEmail) -> None:
    parsed.subject = _header(msg, "Subject", parsed)
    sender = _addresses(msg, "From")
    if not sender:
        name, address = parseaddr(_header(msg, "From", parsed))
        sender = [(name, address)] if "@" in address else []
    if sender:
        name, problem = charsets.repair_header(sender[0][0].strip())
        if problem:
            parsed.charset_problems.append(f"From {problem}")
        parsed.from_name, parsed.from_address = name, sender[0][1].strip().lower()
    parsed.to = [a.lower() for _, a in _addresses(msg, "To")]
    parsed.cc = [a.lower() for _, a in _addresses(msg, "Cc")]
    ids = MESSAGE_ID.findall(_header(msg, "Message-ID", parsed))
    parsed.message_id = ids[0] if ids else ""
    in_reply_to = MESSAGE_ID.findall(_header(msg, "In-Reply-To", parsed))
    parsed.in_reply_to = in_reply_to[0] if in_reply_to else ""
    parsed.references = MESSAGE_ID.findall(_header(msg, "References", parsed))
    parsed.date = _header(msg, "Date", parsed)


def _leaves(part: EmailMessage) -> list[EmailMessage]:
    """Leaf parts in order; an attached message (message/rfc822) is one leaf, not descended into."""
    if part.get_content_maintype() == "multipart":
        leaves: list[EmailMessage] = []
        for sub in part.iter_parts():
            leaves.extend(_leaves(sub))  # type: ignore[arg-type]
        return leaves
    return [part]


def _decoded_text(part: EmailMessage, parsed: ParsedEmail) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    text, problem = charsets.decode(data, part.get_content_charset())
    if problem:
        parsed.charset_problems.append(f"{part.get_content_type()}: {problem}")
    return text.replace("\r\n", "\n")


def _is_attachment(part: EmailMessage) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or (disposition == "inline" and bool(part.get_filename()))


def _read_body(msg: EmailMessage, parsed: ParsedEmail, max_bytes: int | None) -> None:
    text_parts: list[str] = []
    for part in _leaves(msg):
        content_type = part.get_content_type()
        if content_type in REPORT_SKIPPED:
            continue
        if content_type == "text/plain" and not _is_attachment(part):
            text_parts.append(_decoded_text(part, parsed))
        elif content_type == "text/html" and not _is_attachment(part) and not parsed.html:
            parsed.html = _decoded_text(part, parsed)
        else:
            parsed.attachments.append(_attachment(part, len(parsed.attachments), max_bytes))
    text = "\n\n".join(t.strip("\n") for t in text_parts if t.strip())
    if not text and parsed.html:
        text = html_to_text(parsed.html)
    parsed.text = text.strip()
    parsed.html_sanitized = nh3.clean(parsed.html) if parsed.html else ""
    folded = quotes.fold(parsed.text)
    parsed.reply_text, parsed.signature = folded.reply, folded.signature
    parsed.quoted, parsed.quote_style = folded.quoted, folded.quote_style


def _attachment(part: EmailMessage, index: int, max_bytes: int | None) -> ParsedAttachment:
    declared = part.get_content_type()
    if declared == "message/rfc822":
        inner = part.get_payload()
        first = inner[0] if isinstance(inner, list) and inner and isinstance(inner[0], Message) else None
        data = first.as_bytes() if first is not None else b""
        subject = automatic.header(first, "Subject") if first is not None else ""
        default_name = f"{subject[:60] or 'message'}.eml"
    else:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        extension = declared.split("/")[-1].split("+")[0][:8]
        default_name = f"attachment-{index + 1}.{extension}"
    name = (part.get_filename() or default_name).strip().replace("/", "_").replace("\\", "_")[:200]
    content_type, mismatch = sniff.effective_type(data, declared)
    attachment = ParsedAttachment(
        name=name,
        content_type=content_type,
        declared_type=declared,
        size=len(data),
        inline=(part.get_content_disposition() or "inline") == "inline",
        content_id=(automatic.header(part, "Content-ID") or "").strip("<>"),
        type_mismatch=mismatch,
    )
    if max_bytes is not None and len(data) > max_bytes:
        attachment.too_large = True
    else:
        attachment.data = data
    return attachment


def _read_machine_mail(msg: EmailMessage, parsed: ParsedEmail, own_addresses: set[str] | frozenset[str]) -> None:
    sender = parsed.from_address
    report_type = str(msg.get_param("report-type") or "").lower()
    report = msg.get_content_type() == "multipart/report" and report_type == "delivery-status"
    parsed.bounce = report or automatic.is_daemon(sender)
    if parsed.bounce:
        parsed.bounce_action, parsed.bounce_reason = automatic.delivery_report(msg)
        if not parsed.bounce_reason:
            parsed.bounce_reason = (parsed.reply_text or parsed.subject)[:300]
        own = [i for i in automatic.referenced_message_ids(msg, parsed.text) if i != parsed.message_id]
        parsed.bounce_references = own
    parsed.auto_reply_why = automatic.auto_reply_reason(msg, sender=sender, subject=parsed.subject)
    parsed.loop_why = automatic.loop_reason(msg, sender=sender, own_addresses={a.lower() for a in own_addresses})
