"""Email ingest throughput: a generated mbox of 5,000 messages filed into a fresh SQLite desk.

Run: .venv/bin/python bench/email_ingest.py [--messages 5000]
Each message goes through the real path (`mail.pipeline.ingest_many`, as an mbox import or an IMAP backlog
does): parse and read the text for triage in worker processes, then in this process `mail.services.ingest`
stores it raw, threads it, finds or creates the customer, files it through `receive_message` (clocks,
search index, triage), stores attachments. `--workers 0` does everything in one process. About a third
answer an earlier message by In-Reply-To, a few carry the [#id] token only, some have attachments, quoted
history, non-UTF-8 charsets or are auto-replies. Prints one JSON line and writes
bench/results/email_ingest.json. Target: at least 100 messages per second.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import setup_django, write_results  # noqa: E402

setup_django("unstuck-bench-mail-")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from unstuck.conversations.models import Conversation, Message  # noqa: E402
from unstuck.mail import pipeline, services  # noqa: E402
from unstuck.mail.models import InboundMail, Source  # noqa: E402
from unstuck.triage import services as triage_services  # noqa: E402
from unstuck.triage import store  # noqa: E402

PROBLEMS = [
    "The export to CSV button does nothing",
    "I was charged twice for my subscription this month",
    "How do I add my logo to invoices?",
    "Nobody on our team can log in since this morning",
    "Refund has not arrived after ten days",
    "Bank feed stopped syncing transactions yesterday",
    "Payroll run failed with an unknown error",
    "Could you add dark mode to the dashboard?",
]
PDF = b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF\n"


def generate(path: Path, n: int, rng: random.Random) -> dict[str, int]:
    """Write an mbox of `n` messages; returns how many of each kind it holds."""
    box = mailbox.mbox(str(path))
    sent: list[tuple[str, str, str]] = []  # (message id, subject, sender) of earlier mail
    counts = {"new": 0, "reply": 0, "attachment": 0, "latin1": 0, "auto_reply": 0}
    box.lock()
    for i in range(n):
        msg = EmailMessage()
        kind = rng.random()
        sender = f"customer{rng.randint(1, max(1, n // 4))}@example.com"
        message_id = f"<bench-{i}@mail.example.com>"
        body = (
            f"{rng.choice(PROBLEMS)}.\n\nIt started after the last update (ticket ref {i}).\n\nThanks,\nCustomer {i}\n"
        )
        if sent and kind < 0.35:
            parent_id, subject, sender = rng.choice(sent[-500:])
            msg["Subject"] = f"Re: {subject}"
            msg["In-Reply-To"] = parent_id
            msg["References"] = parent_id
            body = f"Still happening, see below.\n\nOn Mon, 3 Jun 2024 at 10:00, Support wrote:\n> {body}"
            counts["reply"] += 1
        else:
            subject = f"{rng.choice(PROBLEMS)} ({i})"
            msg["Subject"] = subject
            counts["new"] += 1
        msg["From"] = f"Customer {i} <{sender}>"
        msg["To"] = "support@fernhill.example.com"
        msg["Message-ID"] = message_id
        msg["Date"] = "Mon, 03 Jun 2024 10:15:00 +0000"
        if kind > 0.97:
            msg["Auto-Submitted"] = "auto-replied"
            counts["auto_reply"] += 1
        if 0.90 < kind <= 0.95:
            msg.set_content(body.replace("update", "mise à jour"), charset="iso-8859-1")
            counts["latin1"] += 1
        else:
            msg.set_content(body)
        if 0.80 < kind <= 0.90:
            msg.add_alternative(f"<p>{body.replace(chr(10), '<br>')}</p>", subtype="html")
        if 0.95 < kind <= 0.97:
            msg.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"invoice-{i}.pdf")
            counts["attachment"] += 1
        box.add(msg)
        sent.append((message_id, subject, sender))
    box.flush()
    box.unlock()
    box.close()
    return counts


def _timed(function: Callable[..., Any], spent: dict[str, float], key: str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[key] += time.perf_counter() - started

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=None, help="read-ahead processes (default: CPUs - 1)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    workdir = Path(os.environ["UNSTUCK_DATA_DIR"])
    mbox_path = workdir / "bench.mbox"
    started = time.perf_counter()
    kinds = generate(mbox_path, args.messages, random.Random(11))
    generate_s = time.perf_counter() - started

    raws = [message.as_bytes() for message in mailbox.mbox(str(mbox_path))]
    spent = {"parse": 0.0, "triage": 0.0}
    services.parse_email = _timed(services.parse_email, spent, "parse")  # type: ignore[assignment]
    triage_services.triage_inbound = _timed(triage_services.triage_inbound, spent, "triage")  # type: ignore[assignment]
    workers = pipeline.default_workers() if args.workers is None else args.workers
    store.active_models(store.serving_engine())  # the starter model is built once per desk, not per import
    started, cpu_started = time.perf_counter(), time.process_time()
    envelope = services.Envelope(source=Source.PIPE)
    for _ in pipeline.ingest_many(((raw, envelope) for raw in raws), workers=workers):
        pass
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    result = {
        "benchmark": "email_ingest",
        "database": connection.vendor,
        "messages": len(raws),
        "kinds": kinds,
        "generate_mbox_s": round(generate_s, 2),
        "ingest_s": round(elapsed, 2),
        "messages_per_second": round(len(raws) / elapsed, 1),
        "target_per_second": 100,
        # Worker processes parse and read ahead (mail.pipeline); 0 means everything in this one process.
        "read_ahead_workers": workers,
        "filing_process_cpu_ms_per_message": round(cpu * 1000 / len(raws), 2),
        # Where this process's time went: parsing (only when there are no workers) and the triage hook.
        "parse_s": round(spent["parse"], 2),
        "triage_s": round(spent["triage"], 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "filed_messages": Message.objects.count(),
        "conversations": Conversation.objects.count(),
        "stored_raw": InboundMail.objects.count(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    write_results("email_ingest", result)


if __name__ == "__main__":
    main()
