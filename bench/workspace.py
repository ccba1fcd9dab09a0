"""Inbox and search at scale: 100k conversations and 1M messages in a fresh SQLite (or DATABASE_URL) desk.

Run: .venv/bin/python bench/workspace.py [--conversations 100000] [--messages-per 10]
Prints one JSON line and writes bench/results/workspace.json. Message texts come from BANKING77
(../shared/data) when present, else from a built-in phrase list.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import setup_django, write_results  # noqa: E402

setup_django("unstuck-bench-")

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from unstuck.accounts.models import Role  # noqa: E402
from unstuck.accounts.services import create_agent  # noqa: E402
from unstuck.conversations import selectors  # noqa: E402

FALLBACK = [
    "I was charged twice for my subscription this month",
    "The export to CSV button does nothing",
    "How do I add my logo to invoices?",
    "Nobody on our team can log in since this morning",
    "Refund has not arrived after ten days",
    "Love the new dashboard, could you add dark mode?",
    "Bank feed stopped syncing transactions yesterday",
    "Payroll run failed with an unknown error",
]


def texts() -> list[str]:
    path = ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            return [row["text"] for row in csv.DictReader(handle)]
    return FALLBACK


def build(n_conversations: int, per: int, rng: random.Random) -> dict[str, float]:
    call_command("migrate", verbosity=0)
    agents = [
        create_agent(username=f"a{i}", email=f"a{i}@x.example", password="pw-bench-123", role=Role.AGENT, actor=None)
        for i in range(8)
    ]
    corpus = texts()
    now = timezone.now()
    started = time.perf_counter()
    n_customers = max(1, n_conversations // 5)
    statuses = ["new", "open", "open", "open", "waiting_customer", "waiting_third_party", "solved", "closed"]
    with connection.cursor() as cursor, transaction.atomic():
        cursor.executemany(
            "INSERT INTO customers_customer (id, name, company, created_at, updated_at) VALUES (%s, %s, '', %s, %s)",
            [(i, f"Customer {i}", now, now) for i in range(1, n_customers + 1)],
        )
        cursor.executemany(
            "INSERT INTO customers_identity (customer_id, kind, value, created_at, updated_at)"
            " VALUES (%s, 'email', %s, %s, %s)",
            [(i, f"customer{i}@example.com", now, now) for i in range(1, n_customers + 1)],
        )
        rows = []
        for cid in range(1, n_conversations + 1):
            status = rng.choice(statuses)
            active = status not in ("solved", "closed")
            due = now + timedelta(minutes=rng.randint(-3000, 6000)) if active and status != "waiting_customer" else None
            owner = rng.choice(agents).pk if status != "new" else None
            created = now - timedelta(minutes=rng.randint(10, 60 * 24 * 90))
            rows.append(
                (
                    cid,
                    rng.choice(corpus)[:250],
                    rng.randint(1, n_customers),
                    "email",
                    status,
                    rng.randint(1, 5),
                    owner,
                    "Next step for the owner",
                    "us",
                    "calm",
                    "steady",
                    0,
                    0,
                    per,
                    per // 2,
                    due,
                    due,
                    due,
                    created,
                    created,
                    created,
                    created,
                    False,
                )
            )
        cursor.executemany(
            "INSERT INTO conversations_conversation (id, subject, customer_id, channel, status, level, owner_id,"
            " next_step, next_step_by, temperature, temperature_trend, handoff_count, reopen_count, message_count,"
            " reply_count, first_reply_due, next_update_due, due_at, created_at, updated_at, last_message_at,"
            " last_heard_at, stuck_seconds, felt_stuck, nudge_stage)"
            " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,0,%s,0)",
            rows,
        )
    conversations_seconds = time.perf_counter() - started
    started = time.perf_counter()
    message_id = 0
    batch: list[tuple] = []
    docs: list[tuple] = []
    with connection.cursor() as cursor:
        for cid in range(1, n_conversations + 1):
            for k in range(per):
                message_id += 1
                text = rng.choice(corpus)
                kind = "inbound" if k % 2 == 0 else "outbound"
                batch.append((message_id, cid, kind, "email", text, now, now))
                docs.append((message_id, cid, text))
            if len(batch) >= 50_000:
                _flush(cursor, batch, docs)
        _flush(cursor, batch, docs)
        cursor.executemany(
            "INSERT INTO search_searchdocument (kind, ref_id, group_id, title, body)"
            " VALUES ('conversation', %s, %s, %s, '')",
            [(r[0], r[0], r[1]) for r in rows],
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "seed_conversations_s": round(conversations_seconds, 1),
        "seed_messages_s": round(time.perf_counter() - started, 1),
    }


def _flush(cursor, batch: list[tuple], docs: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        cursor.executemany(
            "INSERT INTO conversations_message (id, conversation_id, kind, channel, text, html, external_id,"
            " delivery_status, delivery_error, created_at, updated_at) VALUES (%s,%s,%s,%s,%s,'','','','',%s,%s)",
            batch,
        )
        cursor.executemany(
            "INSERT INTO search_searchdocument (kind, ref_id, group_id, title, body)"
            " VALUES ('message', %s, %s, '', %s)",
            docs,
        )
    batch.clear()
    docs.clear()


def timed(fn, repeat: int = 15) -> dict[str, float]:  # type: ignore[no-untyped-def]
    fn()  # warm the cache once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
    }


def measure() -> dict[str, dict[str, float]]:
    from unstuck.accounts.models import Agent

    agent = Agent.objects.first()
    assert agent is not None

    def page(**kwargs) -> None:  # type: ignore[no-untyped-def]
        qs = selectors.list_conversations(agent, selectors.InboxFilters(**kwargs))
        selectors.paginate_by_attention(qs, cursor=None, size=50)

    def deep_page() -> None:
        qs = selectors.list_conversations(agent, selectors.InboxFilters(view="open"))
        cursor = None
        for _ in range(20):  # the 20th page: 1,000 rows in
            cursor = selectors.paginate_by_attention(qs, cursor=cursor, size=50).next_cursor

    client = Client()
    client.force_login(agent.user)
    results = {
        "inbox_open_first_page": timed(lambda: page(view="open")),
        "inbox_mine": timed(lambda: page(view="mine")),
        "inbox_level_2": timed(lambda: page(view="open", level=2)),
        "inbox_overdue": timed(lambda: page(view="open", overdue=True)),
        "inbox_20_pages_deep": timed(deep_page, repeat=5),
        "inbox_counts": timed(lambda: selectors.inbox_counts(agent)),
        "inbox_http_page": timed(lambda: client.get("/inbox/?view=open", HTTP_HOST="127.0.0.1"), repeat=10),
    }
    for query in ["card", "refund", "transfer pend", "exchange rate", "atm withdrawal cash", "verif"]:
        results[f"search:{query}"] = timed(lambda q=query: selectors.search_everything(q))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages-per", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(7)
    seeded = build(args.conversations, args.messages_per, rng)
    figures = measure()
    result = {
        "benchmark": "workspace",
        "database": connection.vendor,
        "conversations": args.conversations,
        "messages": args.conversations * args.messages_per,
        **seeded,
        "figures": figures,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    write_results("workspace", result)


if __name__ == "__main__":
    main()
