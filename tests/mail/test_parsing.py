# ruff: noqa: RUF001  (the corpus is about non-ASCII text on purpose)
"""Every corpus mail parses, and the facts that matter for each one come out right."""

from pathlib import Path

import pytest

from unstuck.mail import charsets, quotes, sniff
from unstuck.mail.parsing import parse_email

CORPUS = Path(__file__).parent / "corpus"
OWN = {"support@fernhill.example.com"}

# file prefix → expected facts. Keys: from, subject, reply (exact new part), reply_has, not_in_reply, signature_has,
# quote_style, charset_problem, auto_reply, bounce, bounce_refs, loop, attachments [(name, type, mismatch)], error,
# in_reply_to, html_has, html_lacks.
EXPECTED: dict[str, dict] = {
    "01": {"from": "dana@example.com", "reply_has": "export button on the Reports page", "quote_style": ""},
    "02": {
        "in_reply_to": "<reply-1@fernhill.example.com>",
        "reply": "Thanks, clearing the cache fixed it!",
        "quote_style": "attribution",
        "html_has": "Thanks, clearing the cache",
    },
    "03": {"reply": "The logo still looks blurry on the PDF.", "quote_style": "attribution"},
    "04": {
        "from": "juergen@acme.example.com",
        "from_name": "Jürgen Müller",
        "reply_has": "failed again this morning – error 502",
        "signature_has": "Finance, Acme GmbH",
        "quote_style": "outlook",
        "not_in_reply": "We deployed a fix",
    },
    "05": {"reply_has": "go ahead with the refund", "quote_style": "outlook", "not_in_reply": "duplicate charge"},
    "06": {
        "reply": "It synced overnight, thank you — all transactions are there.",
        "signature_has": "Sent from my iPhone",
        "quote_style": "apple",
    },
    "07": {"reply": "Done, it works now.", "quote_style": "quote_marks"},
    "08": {"reply": "Nobody on our team can log in since this morning.", "signature_has": "Omar Haddad"},
    "09": {"reply": "Does the invoice show VAT per line or only the total?", "signature_has": "Berg Design AB"},
    "10": {"reply": "I was charged twice for June. Please refund one.", "signature_has": "Get Outlook for Android"},
    "11": {"reply_has": "Your payment of 49.00 EUR failed.", "quote_style": ""},
    "12": {
        "reply": "See the attached mail from my bank.",
        "attachments": [("Your statement.eml", "message/rfc822", False)],
    },
    "13": {"reply_has": "Grüße aus München!", "html_has": "<b>empty</b>", "html_lacks": ["<script", "onerror"]},
    "14": {"reply_has": "- for the inbox", "html_has": "<i>dark mode</i>"},
    "15": {
        "subject": "Café order déjà paid",
        "reply_has": "déjà payée mais apparaît impayée",
        "charset_problem": False,
    },
    "16": {"reply_has": "“€29” but I was billed €35 – why?", "charset_problem": False},
    "17": {"subject": "請求書について", "reply_has": "請求書が届きません", "charset_problem": False},
    "18": {"subject": "Экспорт", "reply_has": "Не работает экспорт", "charset_problem": False},
    "19": {"reply_has": "René here: the résumé upload fails.", "charset_problem": True},
    "20": {"reply_has": "Naïve question", "charset_problem": True},
    "21": {"reply_has": "Señor, the niño account", "charset_problem": True},
    "22": {"attachments": [("invoice-1042.pdf", "application/pdf", False)]},
    "23": {"attachments": [("error.png", "image/png", False)], "inline": True},
    "24": {"attachments": [("receipt.pdf", "application/x-msdownload", True)]},
    "25": {"auto_reply": True, "why_has": "Auto-Submitted", "in_reply_to": "<reply-1@fernhill.example.com>"},
    "26": {"auto_reply": True, "why_has": "X-Autoreply"},
    "27": {"auto_reply": True, "why_has": "Precedence: bulk"},
    "28": {"auto_reply": True, "why_has": "subject"},
    "29": {"auto_reply": True, "why_has": "X-Autorespond"},
    "30": {
        "bounce": True,
        "bounce_refs": ["<reply-30@fernhill.example.com>"],
        "bounce_reason_has": "5.1.1 User unknown",
    },
    "31": {"bounce": True, "bounce_refs": ["<reply-31@fernhill.example.com>"]},
    "32": {"loop": True},
    "33": {"error": "no headers"},
    "34": {"error": "no sender"},
    "35": {"reply": "The upload page times out after 30 seconds."},
    "36": {"subject": "Zahlung fehlgeschlagen – bitte prüfen", "from_name": "Björn Ångström"},
    "37": {"subject": "Acción requerida: factura", "from_name": "José Pérez"},
    "38": {"subject": "Re: Export button does nothing [#42]", "in_reply_to": ""},
}


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.eml"))


def test_the_corpus_has_at_least_30_mails_and_each_has_expectations():
    files = corpus_files()
    assert len(files) >= 30
    assert {f.name[:2] for f in files} == set(EXPECTED)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_corpus_mail(path: Path):
    parsed = parse_email(path.read_bytes(), own_addresses=OWN)
    facts = EXPECTED[path.name[:2]]
    assert bool(parsed.error) == ("error" in facts), parsed.error
    if "error" in facts:
        assert facts["error"] in parsed.error
        return
    assert parsed.from_address and parsed.message_id.startswith("<")
    checks = {
        "from": lambda v: parsed.from_address == v,
        "from_name": lambda v: parsed.from_name == v,
        "subject": lambda v: parsed.subject == v,
        "reply": lambda v: parsed.reply_text == v,
        "reply_has": lambda v: v in parsed.reply_text,
        "not_in_reply": lambda v: v not in parsed.reply_text and v in parsed.text,
        "signature_has": lambda v: v in parsed.signature and v not in parsed.reply_text and v in parsed.text,
        "quote_style": lambda v: parsed.quote_style == v,
        "charset_problem": lambda v: bool(parsed.charset_problems) == v,
        "in_reply_to": lambda v: parsed.in_reply_to == v,
        "html_has": lambda v: v in parsed.html_sanitized,
        "html_lacks": lambda v: not any(bad in parsed.html_sanitized for bad in v),
        "why_has": lambda v: v in parsed.auto_reply_why,
        "bounce_refs": lambda v: parsed.bounce_references == v,
        "bounce_reason_has": lambda v: v in parsed.bounce_reason,
        "inline": lambda v: all(a.inline == v and a.content_id for a in parsed.attachments),
        "attachments": lambda v: [(a.name, a.content_type, a.type_mismatch) for a in parsed.attachments] == v,
    }
    for key, expected in facts.items():
        if key in checks:
            assert checks[key](expected), f"{key}: expected {expected!r}; parsed {parsed.as_json()}"
    assert parsed.auto_reply == facts.get("auto_reply", facts.get("bounce", False))
    assert parsed.bounce == facts.get("bounce", False)
    assert bool(parsed.loop_why) == facts.get("loop", False)
    if facts.get("quote_style"):
        assert parsed.quoted and parsed.quoted in parsed.text  # folded away, never lost


def test_attachment_data_over_the_size_limit_is_not_kept_in_the_parse():
    parsed = parse_email((CORPUS / "22_attachment_pdf.eml").read_bytes(), max_attachment_bytes=10)
    [attachment] = parsed.attachments
    assert (attachment.too_large, attachment.size, attachment.data) == (True, 69, b"")


def test_mail_from_our_own_address_is_a_loop():
    raw = b"From: support@fernhill.example.com\nTo: a@example.com\nSubject: hi\nMessage-ID: <x@y>\n\nhello\n"
    assert "own mailbox" in parse_email(raw, own_addresses=OWN).loop_why
    assert parse_email(raw).loop_why == ""


def test_empty_input_is_an_error_not_an_exception():
    assert parse_email(b"").error == "empty message"


@pytest.mark.parametrize(
    ("data", "declared", "text", "problem"),
    [
        ("Grüße".encode(), "utf-8", "Grüße", False),
        ("“quoted”".encode("cp1252"), "iso-8859-1", "“quoted”", False),  # the windows-1252 superset
        ("Grüße".encode("latin-1"), "utf-8", "Grüße", True),
        ("Grüße".encode(), "iso-8859-1", "Grüße", True),
        ("Grüße".encode(), "", "Grüße", True),
        (b"plain", "", "plain", False),
    ],
)
def test_charset_decoding_with_fallbacks(data, declared, text, problem):
    decoded, why = charsets.decode(data, declared)
    assert (decoded, why is not None) == (text, problem)


def test_sniffing_trusts_bytes_over_the_declared_type():
    assert sniff.effective_type(b"%PDF-1.7 ...", "application/octet-stream") == ("application/pdf", False)
    assert (
        sniff.effective_type(
            b"PK\x03\x04rest", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )[1]
        is False
    )
    assert sniff.effective_type(b"\x89PNG\r\n\x1a\n....", "image/jpeg") == ("image/png", True)
    assert sniff.effective_type(b"BMW owners manual", "text/plain") == ("text/plain", False)


def test_inline_answers_between_quotes_are_not_folded():
    text = "> Which browser?\nSafari 17.\n> Which page?\nReports.\n"
    assert quotes.fold(text).quoted == ""
