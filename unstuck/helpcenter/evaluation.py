"""`unstuck help-eval`: how well does the suggester find the article that answers a question?

Articles and history go into the real search engine under evaluation-only kinds inside a transaction
that is rolled back, so the run measures the production ranking (`ranking.rank`) and leaves nothing behind.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import transaction

from unstuck.search import engine

from .markdown import plain_text
from .ranking import rank

ARTICLE_KIND, USE_KIND = "evalarticle", "evaluse"  # one token each, see selectors.PUBLIC_KIND


@dataclass(frozen=True)
class Labelled:
    text: str
    article_id: str


@dataclass(frozen=True)
class EvalResult:
    queries: int
    articles: int
    history: int
    mrr_at_5: float
    hit_at_1: float
    hit_at_5: float
    p50_ms: float
    p95_ms: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def read_articles(path: Path) -> list[tuple[str, str, str]]:
    """(id, title, body) rows of an articles CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["id"].strip(), row["title"].strip(), row.get("body") or "") for row in csv.DictReader(handle)]


def read_labelled(path: Path) -> list[Labelled]:
    """Rows of text,article_id (a `category` column is accepted too, as in BANKING77)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        column = "article_id" if "article_id" in fields else "category"
        if "text" not in fields or column not in fields:
            raise ValueError(f"{path} needs the columns text,article_id")
        return [Labelled(row["text"], row[column].strip()) for row in reader if row["text"].strip()]


def split_stratified(rows: list[Labelled], *, size: int, seed: int = 77) -> tuple[list[Labelled], list[Labelled]]:
    """`size` evaluation rows in each label's proportion, and the rest as history; never overlapping."""
    by_label: dict[str, list[Labelled]] = defaultdict(list)
    for row in rows:
        by_label[row.article_id].append(row)
    rng = random.Random(seed)
    held, rest = [], []
    for label in sorted(by_label):
        group = sorted(by_label[label], key=lambda r: r.text)
        rng.shuffle(group)
        take = round(size * len(group) / len(rows))
        held += group[:take]
        rest += group[take:]
    return held, rest


def evaluate(
    articles: list[tuple[str, str, str]], queries: list[Labelled], history: list[Labelled], *, k: int = 5
) -> EvalResult:
    with transaction.atomic():
        result = _evaluate(articles, queries, history, k=k)
        transaction.set_rollback(True)
    return result


def _evaluate(
    articles: list[tuple[str, str, str]], queries: list[Labelled], history: list[Labelled], *, k: int
) -> EvalResult:
    number = {article_id: n for n, (article_id, _, _) in enumerate(articles, start=1)}
    engine.index_many(
        ARTICLE_KIND,
        ((number[a], title, plain_text(body), None) for a, title, body in articles),
        typo_tolerant=True,
    )
    engine.index_many(
        USE_KIND,
        ((n, "", row.text, number[row.article_id]) for n, row in enumerate(history, 1) if row.article_id in number),
    )
    reciprocal, first, within, latencies = [], 0, 0, []
    for query in queries:
        started = time.perf_counter()
        ranked = rank(
            query.text, kinds=[ARTICLE_KIND], use_kind=USE_KIND if history else None, limit=k, prefix_typing=False
        )
        latencies.append((time.perf_counter() - started) * 1000)
        ids = [r.article_id for r in ranked]
        target = number.get(query.article_id)
        position = ids.index(target) + 1 if target in ids else 0
        reciprocal.append(1 / position if position else 0.0)
        first += position == 1
        within += position > 0
    count = max(len(queries), 1)
    return EvalResult(
        queries=len(queries),
        articles=len(articles),
        history=len(history),
        mrr_at_5=round(sum(reciprocal) / count, 4),
        hit_at_1=round(first / count, 4),
        hit_at_5=round(within / count, 4),
        p50_ms=round(statistics.median(latencies), 2) if latencies else 0.0,
        p95_ms=round(_percentile(latencies, 95), 2),
    )


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]
