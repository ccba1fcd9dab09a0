"""The minute sweep at scale: 100k open conversations in a fresh SQLite (or DATABASE_URL) desk.

Run: .venv/bin/python bench/momentum.py [--conversations 100000]
Seeds open conversations with deadlines spread from two days overdue to two days ahead, then times:
the first sweep (nudges every overdue and due-soon conversation), a second sweep a minute later (steady
state: almost nothing new), and a sweep run twice at the same instant (idempotency: zero new nudges).
Prints one JSON line and writes bench/results/momentum.json.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import setup_django, write_results  # noqa: E402

setup_django("unstuck-bench-", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from unstuck.accounts.models import Role  # noqa: E402
from unstuck.accounts.services import create_agent  # noqa: E402
from unstuck.conversations.models import Conversation  # noqa: E402
from unstuck.customers.models import Customer  # noqa: E402
from unstuck.momentum.models import Nudge  # noqa: E402
from unstuck.momentum.services.sweep import sweep  # noqa: E402


def seed(n: int, rng: random.Random) -> float:
    call_command("migrate", verbosity=0)
    agents = [
        create_agent(username=f"a{i}", email=f"a{i}@x.example", password="pw-bench-123", role=Role.AGENT, actor=None)
        for i in range(20)
    ]
    create_agent(username="lead", email="lead@x.example", password="pw-bench-123", role=Role.LEAD, actor=None)
    now = timezone.now()
    started = time.perf_counter()
    customers = Customer.objects.bulk_create([Customer(name=f"Customer {i}") for i in range(max(1, n // 5))])
    batch: list[Conversation] = []
    for i in range(n):
        level = rng.randint(1, 5)
        due = now + timedelta(minutes=rng.randint(-2 * 24 * 60, 2 * 24 * 60))
        batch.append(
            Conversation(
                subject=f"Conversation {i}",
                customer=rng.choice(customers),
                status="open",
                level=level,
                owner=rng.choice(agents),
                next_step="The owner checks and writes back",
                first_replied_at=now - timedelta(days=3),
                last_heard_at=now - timedelta(hours=5),
                next_update_due=due,
                due_at=due,
                created_at=now - timedelta(days=3),
            )
        )
        if len(batch) == 5000:
            Conversation.objects.bulk_create(batch)
            batch.clear()
    Conversation.objects.bulk_create(batch)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def timed_sweep(now) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    report = sweep(now)
    return time.perf_counter() - started, report.nudges


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    args = parser.parse_args()
    rng = random.Random(7)
    seed_s = seed(args.conversations, rng)
    now = timezone.now()
    overdue = Conversation.objects.filter(due_at__lt=now).count()
    first_s, first_nudges = timed_sweep(now)
    again_s, again_nudges = timed_sweep(now)
    later = now + timedelta(minutes=1)
    steady_s, steady_nudges = timed_sweep(later)
    figures = {
        "bench": "momentum",
        "database": connection.vendor,
        "open_conversations": args.conversations,
        "overdue_at_start": overdue,
        "seed_s": round(seed_s, 1),
        "first_sweep_s": round(first_s, 2),
        "first_sweep_nudges": first_nudges,
        "same_instant_again_s": round(again_s, 2),
        "same_instant_again_new_nudges": again_nudges,
        "next_minute_sweep_s": round(steady_s, 2),
        "next_minute_new_nudges": steady_nudges,
        "nudges_total": Nudge.objects.count(),
        "target_s": 10,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    write_results("momentum", figures)


if __name__ == "__main__":
    main()
