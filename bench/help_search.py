"""Help center suggestions at scale: 10,000 published articles, as-you-type prefix queries through the HTTP stack.

Run: .venv/bin/python bench/help_search.py [--articles 10000] [--queries 600]
Builds a fresh SQLite (or DATABASE_URL) desk in a temporary folder, measures GET /api/v1/help/suggest with the
Django test client (URL routing, middleware, django-ninja, ranking, impression writes), prints one JSON line and
writes bench/results/help_search.json. Article titles and bodies are generated from the bank help center's
vocabulary (demo/bank-help-center/articles.csv); queries are the first words of real customer questions
(BANKING77 from ../shared/data when present, else the article titles), the last word cut short as if still typing.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import setup_django, write_results  # noqa: E402

setup_django("unstuck-help-bench-")

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from unstuck.helpcenter import services  # noqa: E402
from unstuck.helpcenter.markdown import plain_text  # noqa: E402
from unstuck.helpcenter.models import Article, ArticleStatus  # noqa: E402
from unstuck.search import engine  # noqa: E402

BANK = ROOT / "demo" / "bank-help-center" / "articles.csv"
QUESTIONS = ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
TOPICS = ["Cards", "Payments", "Transfers", "Top-ups", "Account", "Security", "Fees", "Exchange"]


def bank_rows() -> list[dict[str, str]]:
    with BANK.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build(n_articles: int, rng: random.Random) -> None:
    """Bulk-create published articles: each mixes one bank article's title with words of others."""
    call_command("migrate", verbosity=0)
    rows = bank_rows()
    words = [w for row in rows for w in re.findall(r"[A-Za-z]{3,}", plain_text(row["body"]))]
    categories = [services.ensure_category(name) for name in TOPICS]
    articles = []
    for n in range(n_articles):
        seed = rows[n % len(rows)]
        extra = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        title = f"{seed['title'].rstrip('?.')} {extra}".strip()[:200]
        body = " ".join(rng.choice(words) for _ in range(rng.randint(120, 260)))
        articles.append(
            Article(
                category=categories[n % len(categories)],
                title=title,
                slug=f"article-{n}",
                body=body,
                status=ArticleStatus.PUBLISHED,
            )
        )
    with transaction.atomic():
        created = Article.objects.bulk_create(articles, batch_size=1000)
        engine.index_many("article", ((a.pk, a.title, a.body, None) for a in created), typo_tolerant=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")


def typing_queries(count: int, rng: random.Random) -> list[str]:
    """What a visitor has typed so far: 1-4 words of a real question, the last one cut short."""
    if QUESTIONS.exists():
        with QUESTIONS.open(encoding="utf-8", newline="") as handle:
            texts = [row["text"] for row in csv.DictReader(handle)]
    else:
        texts = [row["title"] for row in bank_rows()]
    queries = []
    while len(queries) < count:
        words = re.findall(r"[\w']+", rng.choice(texts))
        if not words:
            continue
        taken = words[: rng.randint(1, min(4, len(words)))]
        last = taken[-1]
        taken[-1] = last[: rng.randint(min(2, len(last)), len(last))]
        query = " ".join(taken)
        if len(query) >= 2:
            queries.append(query)
    return queries


def measure(queries: list[str]) -> dict[str, float]:
    client = Client(HTTP_HOST="localhost")
    for query in queries[:20]:  # warm caches (title vocabulary, SQLite pages)
        client.get("/api/v1/help/suggest", {"q": query})
    timings, answered = [], []
    for n, query in enumerate(queries):
        session = f"bench-visitor-{n // 8:05d}"  # a visitor types about 8 keystrokes' worth of queries
        started = time.perf_counter()
        response = client.get("/api/v1/help/suggest", {"q": query, "session": session})
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content
        timings.append(elapsed)
        if response.json():
            answered.append(elapsed)
    ordered, hits = sorted(timings), sorted(answered)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
        # Queries of stopwords or a 1-2 letter word answer [] at once; these figures leave them out.
        "answered_share": round(len(hits) / len(queries), 3),
        "answered_p50_ms": round(statistics.median(hits), 2),
        "answered_p95_ms": round(hits[int(0.95 * (len(hits) - 1))], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=600)
    args = parser.parse_args()
    rng = random.Random(5)
    started = time.perf_counter()
    build(args.articles, rng)
    build_seconds = round(time.perf_counter() - started, 1)
    queries = typing_queries(args.queries, rng)
    result = {
        "benchmark": "help_search",
        "articles": Article.objects.count(),
        "queries": len(queries),
        "database": connection.vendor,
        "endpoint": "GET /api/v1/help/suggest?q=&session=",
        **measure(queries),
        "build_seconds": build_seconds,
        "examples": queries[:8],
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    write_results("help_search", result)


if __name__ == "__main__":
    main()
