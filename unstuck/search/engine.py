"""One full-text search interface over SQLite FTS5 and PostgreSQL; conversations, customers and the
help center all index and query through here.

Ranking is BM25 (FTS5) or ts_rank (PostgreSQL) with titles weighted above bodies, applied to the newest
`window` matches: a help desk wants recent relevant rows, and stopping early keeps a query on a common
word fast at millions of messages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from .models import SearchDocument

_WORD = re.compile(r"\w+", re.UNICODE)
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


@dataclass(frozen=True)
class Hit:
    kind: str
    ref_id: int
    group_id: int | None
    title: str
    snippet_html: str
    score: float


def index(kind: str, ref_id: int, *, title: str = "", body: str = "", group_id: int | None = None) -> None:
    """Add or refresh the searchable copy of one row."""
    SearchDocument.objects.update_or_create(
        kind=kind, ref_id=ref_id, defaults={"title": title[:300], "body": body, "group_id": group_id}
    )


def index_many(kind: str, rows: Iterable[tuple[int, str, str, int | None]]) -> None:
    """Bulk insert for fresh rows (demo seeding, imports): (ref_id, title, body, group_id)."""
    SearchDocument.objects.bulk_create(
        [SearchDocument(kind=kind, ref_id=r, title=t[:300], body=b, group_id=g) for r, t, b, g in rows],
        batch_size=500,
    )


def remove(kind: str, ref_ids: Iterable[int]) -> None:
    SearchDocument.objects.filter(kind=kind, ref_id__in=list(ref_ids)).delete()


def regroup(kind: str, ref_ids: Iterable[int], group_id: int) -> None:
    """Point documents at a new group, e.g. messages moved by a merge."""
    SearchDocument.objects.filter(kind=kind, ref_id__in=list(ref_ids)).update(group_id=group_id)


def terms(query: str, limit: int = 8) -> list[str]:
    return [t.lower() for t in _WORD.findall(query or "")][:limit]


def search(query: str, *, kinds: Sequence[str], limit: int = 20, window: int = 500) -> list[Hit]:
    """Best matches for `query` among documents of `kinds`; the last word matches as a prefix."""
    words = terms(query)
    if not words or not kinds:
        return []
    if connection.vendor == "sqlite":
        return _search_sqlite(words, kinds, limit, window)
    if connection.vendor == "postgresql":
        hits = _search_postgres(words, kinds, window)
    else:  # pragma: no cover - other databases are not supported targets
        hits = _search_fallback(words, kinds, window)
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[:limit]


def _render_snippet(marked: str) -> str:
    """Escape the text, then turn our private markers into <mark> tags."""
    return html.escape(marked).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


def _fts5_query(words: list[str], kinds: Sequence[str]) -> str:
    parts = [f'"{w}"' for w in words[:-1]]
    last = words[-1]
    parts.append(f'"{last}"*' if len(last) >= 2 else f'"{last}"')
    kind_filter = " OR ".join(f'"{k}"' for k in kinds)
    return f"{{kind}} : ({kind_filter}) AND {{title body}} : ({' AND '.join(parts)})"


def _search_sqlite(words: list[str], kinds: Sequence[str], limit: int, window: int) -> list[Hit]:
    match = _fts5_query(words, kinds)
    with connection.cursor() as cursor:
        # Step 1: score the newest `window` matches; bm25() is cheap, and ORDER BY rowid lets FTS5 stop early.
        cursor.execute(
            "SELECT rowid, bm25(search_fts, 0.0, 4.0, 1.0) FROM search_fts"
            " WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
            [match, window],
        )
        # bm25() is lower for better matches; flip it so higher is better everywhere.
        scored = sorted(((-score, rowid) for rowid, score in cursor.fetchall()), reverse=True)[:limit]
        if not scored:
            return []
        # Step 2: fetch the winners by primary key and cut snippets in Python. (Asking FTS5 for snippet()
        # with "MATCH ... AND rowid IN (...)" walks the whole posting list once per rowid: seconds on a
        # common word at a million rows.)
        ids = [rowid for _, rowid in scored]
        placeholders = ",".join(["%s"] * len(ids))
        cursor.execute(
            f"SELECT id, kind, ref_id, group_id, title, body FROM search_searchdocument WHERE id IN ({placeholders})",
            ids,
        )
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    return [
        Hit(rows[i][0], rows[i][1], rows[i][2], rows[i][3], _python_snippet(rows[i][4], words), score)
        for score, i in scored
        if i in rows
    ]


_PG_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(body, '')), 'B'))"
)


def _search_postgres(words: list[str], kinds: Sequence[str], window: int) -> list[Hit]:
    safe = [re.sub(r"[^\w]", "", w) for w in words]
    tsquery = " & ".join([*safe[:-1], f"{safe[-1]}:*"])
    sql = (
        "SELECT kind, ref_id, group_id, title, body, ts_rank(" + _PG_VECTOR + ", q) FROM ("
        " SELECT d.*, to_tsquery('english', %s) AS q FROM search_searchdocument d"
        " WHERE d.kind = ANY(%s) AND " + _PG_VECTOR + " @@ to_tsquery('english', %s)"
        " ORDER BY d.id DESC LIMIT %s) AS recent"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, list(kinds), tsquery, window])
        rows = cursor.fetchall()
    return [Hit(k, r, g, t, _python_snippet(b, words), float(score)) for k, r, g, t, b, score in rows]


def _search_fallback(words: list[str], kinds: Sequence[str], window: int) -> list[Hit]:
    documents = SearchDocument.objects.filter(kind__in=kinds)
    for word in words:
        documents = documents.filter(body__icontains=word) | documents.filter(title__icontains=word)
    return [
        Hit(d.kind, d.ref_id, d.group_id, d.title, _python_snippet(d.body, words), 1.0)
        for d in documents.order_by("-id")[:window]
    ]


def _stem(word: str) -> str:
    """A rough stem for highlighting only ("charged" marks "charge" and "charges"); ranking uses the index's."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _python_snippet(body: str, words: list[str], width: int = 120) -> str:
    lowered = body.lower()
    positions = [p for p in (lowered.find(_stem(w)) for w in words) if p >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    if start:  # begin at a word boundary, not mid-word
        space = body.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    excerpt = body[start : start + width]
    pattern = re.compile("(" + "|".join(re.escape(_stem(w)) for w in words) + r")\w*", re.IGNORECASE)
    marked = pattern.sub(lambda m: MARK_OPEN + m.group(0) + MARK_CLOSE, excerpt)
    return ("…" if start else "") + _render_snippet(marked) + ("…" if start + width < len(body) else "")
