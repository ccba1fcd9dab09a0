"""Load articles from a CSV (id,title,body[,category]) or the Fernhill demo file; idempotent on the row id."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from . import services
from .models import Article, ArticleStatus, Visibility

DEMO_FILE = Path(__file__).with_name("demo_articles.json")


@dataclass(frozen=True)
class ArticleRow:
    external_id: str
    title: str
    body: str
    category: str
    visibility: str = Visibility.PUBLIC


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def read_csv(path: Path, *, category: str) -> list[ArticleRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            ArticleRow(row["id"].strip(), row["title"].strip(), row.get("body") or "", row.get("category") or category)
            for row in csv.DictReader(handle)
            if row.get("id") and row.get("title")
        ]


def read_demo() -> list[ArticleRow]:
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    return [
        ArticleRow(a["id"], a["title"], a["body"], a["category"], a.get("visibility", Visibility.PUBLIC))
        for a in data["articles"]
    ]


@transaction.atomic
def load_articles(rows: list[ArticleRow]) -> LoadResult:
    """Create missing articles, update changed ones (a new revision), leave identical ones alone."""
    existing = {a.external_id: a for a in Article.objects.filter(external_id__in=[r.external_id for r in rows])}
    created = updated = unchanged = 0
    for row in rows:
        draft = services.ArticleDraft(
            category=services.ensure_category(row.category),
            title=row.title,
            body=row.body,
            visibility=row.visibility,
            status=ArticleStatus.PUBLISHED,
        )
        article = existing.get(row.external_id)
        if article is None:
            services.create_article(draft, actor=None, note="Imported", external_id=row.external_id)
            created += 1
        elif (article.title, article.body, article.visibility, article.category_id) != (
            draft.title,
            draft.body,
            draft.visibility,
            draft.category.pk,
        ) or article.status != ArticleStatus.PUBLISHED:
            services.update_article(article, draft, actor=None, note="Re-imported")
            updated += 1
        else:
            unchanged += 1
    return LoadResult(created, updated, unchanged)


def load_demo_articles() -> LoadResult:
    """The Fernhill demo desk's help center; the demo seeder calls this."""
    return load_articles(read_demo())
