"""Fold quoted history and signatures away from the new part of a reply; the full text is always kept."""

from __future__ import annotations

import re
from dataclasses import dataclass

# "On Mon, 3 Jun 2024 at 10:00, Dana <dana@example.com> wrote:" (Gmail), "On 3 Jun 2024, at 10:00, Dana
# wrote:" (Apple Mail), and the same attribution in the languages our customers write in.
ATTRIBUTION = re.compile(
    r"^(?:on|am|le|el|il|op|em|den)\s.{0,300}?"
    r"(?:wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev)\s?:$",
    re.IGNORECASE,
)
APPLE_ATTRIBUTION = re.compile(r",\s+at\s+\d{1,2}[:.]\d{2}", re.IGNORECASE)
ORIGINAL_MESSAGE = re.compile(r"^-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine)\s*-{2,}$", re.I)
RULE = re.compile(r"^_{10,}$")
HEADER_LINE = re.compile(
    r"^\*?(from|von|de|sent|gesendet|envoyé|date|datum|to|an|à|cc|subject|betreff|objet)\s?:", re.IGNORECASE
)
FROM_LINE = re.compile(r"^\*?(from|von|de)\s?:", re.IGNORECASE)
FORWARD = re.compile(
    r"^(-{2,}\s*forwarded message\s*-{2,}|begin forwarded message:|-{2,}\s*weitergeleitete nachricht)", re.IGNORECASE
)
SIGNATURE_DELIMITER = re.compile(r"^--\s?$")
MOBILE = re.compile(
    r"^(sent from my \w[\w\s-]{0,40}|sent from (?:mail|outlook) for \w+|sent from yahoo mail.*|get outlook for \w+.*"
    r"|sent via \w[\w\s.-]{0,40}|envoyé de mon \w+.*|von meinem \w+ gesendet.*|enviado desde mi \w+.*)$",
    re.IGNORECASE,
)
SIGN_OFF = re.compile(
    r"^((best|kind|warm|warmest|many thanks and)?\s?regards|best( wishes)?"
    r"|thanks?( you)?( (so|very) much| a lot| again)?|many thanks|cheers|sincerely|yours( sincerely| truly)?"
    r"|all the best|talk soon|mit freundlichen grüßen"
    r"|viele grüße|cordialement|saludos)[,.!]?$",
    re.IGNORECASE,
)
MAX_SIGN_OFF_LINES = 6


@dataclass(frozen=True)
class Folded:
    reply: str  # the new part, what an agent reads first
    signature: str
    quoted: str
    quote_style: str  # "attribution", "apple", "outlook", "quote_marks" or ""

    @property
    def folds(self) -> bool:
        return bool(self.signature or self.quoted)


def _attribution_at(lines: list[str], i: int) -> bool:
    # Long attributions wrap over up to three lines ("… Dana Example <\ndana@example.com> wrote:").
    joined = lines[i].strip()
    for extra in range(3):
        if ATTRIBUTION.match(joined):
            return True
        if i + extra + 1 >= len(lines):
            break
        joined = f"{joined} {lines[i + extra + 1].strip()}"
    return False


def _outlook_header_at(lines: list[str], i: int) -> bool:
    if not FROM_LINE.match(lines[i].strip()):
        return False
    following = [line.strip() for line in lines[i + 1 : i + 6] if line.strip()]
    return sum(1 for line in following[:4] if HEADER_LINE.match(line)) >= 2


def _after_forward_marker(lines: list[str], i: int) -> bool:
    previous = next((line.strip() for line in reversed(lines[:i]) if line.strip()), "")
    return bool(FORWARD.match(previous))


def _only_quotes_follow(lines: list[str]) -> bool:
    """A trailing block of "> " lines (a signature after it may follow); inline answers are not folded."""
    for line in lines:
        if SIGNATURE_DELIMITER.match(line):
            return True
        if line.strip() and not line.lstrip().startswith(">"):
            return False
    return True


def _quote_start(lines: list[str]) -> tuple[int, str]:
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if _attribution_at(lines, i):
            return i, "apple" if APPLE_ATTRIBUTION.search(" ".join(lines[i : i + 3])) else "attribution"
        if ORIGINAL_MESSAGE.match(line):
            return i, "outlook"
        if RULE.match(line) and any(FROM_LINE.match(x.strip()) for x in lines[i + 1 : i + 3]):
            return i, "outlook"
        if _outlook_header_at(lines, i) and not _after_forward_marker(lines, i):
            return i, "outlook"
        if line.startswith(">") and _only_quotes_follow(lines[i:]):
            # iPhone Mail puts its "On 4 Jun 2024, at 18:20, … wrote:" inside the quote.
            unquoted = line.lstrip("> ").strip()
            apple = ATTRIBUTION.match(unquoted) and APPLE_ATTRIBUTION.search(unquoted)
            return i, "apple" if apple else "quote_marks"
    return len(lines), ""


def _signature_start(lines: list[str]) -> int:
    for i, raw in enumerate(lines):
        line = raw.strip()
        if i == 0 or not any(x.strip() for x in lines[:i]):
            continue
        if SIGNATURE_DELIMITER.match(raw.rstrip("\n")) or MOBILE.match(line):
            return i
        if SIGN_OFF.match(line):
            rest = [x.strip() for x in lines[i + 1 :] if x.strip()]
            if len(rest) <= MAX_SIGN_OFF_LINES and all(len(x) <= 60 for x in rest):
                return i
    return len(lines)


def fold(text: str) -> Folded:
    """Split `text` into the new reply, its signature and the quoted history below it."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    quote_at, style = _quote_start(lines)
    body, quoted = lines[:quote_at], lines[quote_at:]
    signature_at = _signature_start(body)
    reply = "\n".join(body[:signature_at]).strip()
    signature = "\n".join(body[signature_at:]).strip()
    if not reply:
        # Nothing new above the quote (a bare forward or an empty top-post): show everything.
        return Folded(reply=(text or "").strip(), signature="", quoted="", quote_style="")
    return Folded(reply=reply, signature=signature, quoted="\n".join(quoted).strip(), quote_style=style)
