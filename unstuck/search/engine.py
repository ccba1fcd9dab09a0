"""One full-text search interface over SQLite FTS5 and PostgreSQL; conversations, customers and the
help center all index and query through here.

Ranking is BM25 (FTS5) or ts_rank (PostgreSQL) with titles weighted above bodies. By default it is applied
to the newest `window` matches: a help desk wants recent relevant rows, and stopping early keeps a query on
a common word fast at millions of messages. `ranked=True` scores every match instead, for bounded corpora
such as help articles. `match="any"` ORs the informative words (stopwords dropped), for "more like this"
queries built from a whole customer message. `typo_tolerant=True` adds close spellings of unknown words
from a per-kind title vocabulary (difflib over `SearchTerm` rows, so it works the same on both databases).
"""

from __future__ import annotations

import bisect
import difflib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db import connection
from django.db.models import Max

from .models import SearchDocument, SearchTerm

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


def index(
    kind: str,
    ref_id: int,
    *,
    title: str = "",
    body: str = "",
    group_id: int | None = None,
    typo_tolerant: bool = False,
) -> None:
    """Add or refresh the searchable copy of one row; `typo_tolerant` also learns its title words."""
    # One upsert statement (INSERT … ON CONFLICT DO UPDATE on both databases): filing a message indexes two rows.
    SearchDocument.objects.bulk_create(
        [SearchDocument(kind=kind, ref_id=ref_id, title=title[:300], body=body, group_id=group_id)],
        update_conflicts=True,
        unique_fields=["kind", "ref_id"],
        update_fields=["title", "body", "group_id"],
    )
    if typo_tolerant:
        learn_title_terms(kind, [title])


def index_many(kind: str, rows: Iterable[tuple[int, str, str, int | None]], *, typo_tolerant: bool = False) -> None:
    """Bulk insert for fresh rows (demo seeding, imports): (ref_id, title, body, group_id)."""
    documents = [SearchDocument(kind=kind, ref_id=r, title=t[:300], body=b, group_id=g) for r, t, b, g in rows]
    SearchDocument.objects.bulk_create(documents, batch_size=500)
    if typo_tolerant:
        learn_title_terms(kind, [d.title for d in documents])


def learn_title_terms(kind: str, titles: Iterable[str]) -> None:
    """Remember title words (4+ letters) so misspellings can be corrected; old words stay, harmlessly."""
    words = {w for title in titles for w in terms(title, limit=50) if 4 <= len(w) <= 60 and not w.isdigit()}
    SearchTerm.objects.bulk_create(
        [SearchTerm(kind=kind, term=w) for w in sorted(words)], batch_size=500, ignore_conflicts=True
    )


def remove(kind: str, ref_ids: Iterable[int]) -> None:
    SearchDocument.objects.filter(kind=kind, ref_id__in=list(ref_ids)).delete()


def regroup(kind: str, ref_ids: Iterable[int], group_id: int) -> None:
    """Point documents at a new group, e.g. messages moved by a merge."""
    SearchDocument.objects.filter(kind=kind, ref_id__in=list(ref_ids)).update(group_id=group_id)


def terms(query: str, limit: int = 8) -> list[str]:
    return [t.lower() for t in _WORD.findall(query or "")][:limit]


# Words too common to say what a message is about; dropped from "any" queries (and from ranked ones),
# where they would match nearly every document and cost a walk of its whole posting list.
_STOPWORD_TEXT = """
a about after again all also am an and any are as at be been before being but by can could did do
does doing done for from get got had has have having he her here him his how i if im in into is it
its just me might my myself no not now of off on once only or our out over please so some still such
than that the their them then there these they this those to too until up us very was we were what
when where which while who why will with would yet you your yours ive dont cant didnt doesnt wont hi
hello thanks thank hey
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

Match = Literal["all", "any"]


def informative_terms(query: str, limit: int = 12) -> list[str]:
    """Words of the query minus stopwords; if nothing is left, the plain words."""
    words = terms(query, limit=200)
    kept = [w for w in dict.fromkeys(words) if w not in STOPWORDS and len(w) > 1]
    return kept[:limit] if kept else words[:limit]


def search(
    query: str,
    *,
    kinds: Sequence[str],
    limit: int = 20,
    window: int = 500,
    ranked: bool = False,
    match: Match = "all",
    typo_tolerant: bool = False,
    title_only: bool = False,
) -> list[Hit]:
    """Best matches for `query` among documents of `kinds`; the last word matches as a prefix.

    With `typo_tolerant`, a query that finds nothing is retried with close title spellings of its words.
    `title_only` matches titles alone: few rows per word, so ranking stays fast on large corpora.
    """
    if not kinds:
        return []
    plain = not (ranked or typo_tolerant or match == "any" or title_only)
    words = terms(query) if plain else informative_terms(query)
    if not words:
        return []
    # Still typing: the last word is a prefix unless the query ends with a space or punctuation.
    prefix = plain or (bool(query) and query[-1].isalnum())
    options = _Options(kinds, limit, window, ranked, match, prefix, title_only)
    hits = _run([[w] for w in words], words, options)
    if not hits and typo_tolerant:
        groups = _with_corrections(words, kinds, prefix_last=prefix)
        if any(len(group) > 1 for group in groups):
            hits = _run(groups, [w for group in groups for w in group], options)  # highlight corrections too
    return hits


@dataclass(frozen=True)
class _Options:
    kinds: Sequence[str]
    limit: int
    window: int
    ranked: bool
    match: Match
    prefix: bool
    title_only: bool


def _run(groups: list[list[str]], words: list[str], o: _Options) -> list[Hit]:
    if connection.vendor == "sqlite":
        return _search_sqlite(groups, words, o)
    if connection.vendor == "postgresql":
        hits = _search_postgres(groups, words, o)
    else:  # pragma: no cover - other databases are not supported targets
        hits = _search_fallback(words, o.kinds, o.window)
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[: o.limit]


# Per-process cache of the title vocabulary, keyed by kinds; refreshed when new terms are learned.
_vocabulary: dict[tuple[str, ...], tuple[int, list[str], frozenset[str]]] = {}


def _title_vocabulary(kinds: Sequence[str]) -> tuple[list[str], frozenset[str]]:
    key = tuple(sorted(kinds))
    stamp = SearchTerm.objects.aggregate(last=Max("id"))["last"] or 0
    cached = _vocabulary.get(key)
    if cached is None or cached[0] != stamp:
        words = sorted(set(SearchTerm.objects.filter(kind__in=key).values_list("term", flat=True)))
        cached = (stamp, words, frozenset(words))
        _vocabulary[key] = cached
    return cached[1], cached[2]


def _with_corrections(words: list[str], kinds: Sequence[str], *, prefix_last: bool) -> list[list[str]]:
    """Each word with close title spellings when the word itself is not a title word (or prefix of one)."""
    ordered, known = _title_vocabulary(kinds)
    groups = []
    for position, word in enumerate(words):
        group = [word]
        is_prefix = prefix_last and position == len(words) - 1
        if len(word) >= 4 and word not in known and not (is_prefix and _has_prefix(ordered, word)):
            candidates = [w for w in ordered if w[0] == word[0] and abs(len(w) - len(word)) <= 2]
            group += difflib.get_close_matches(word, candidates, n=2, cutoff=0.75)
        groups.append(group)
    return groups


def _has_prefix(ordered: list[str], prefix: str) -> bool:
    at = bisect.bisect_left(ordered, prefix)
    return at < len(ordered) and ordered[at].startswith(prefix)


def _render_snippet(marked: str) -> str:
    """Escape the text, then turn our private markers into <mark> tags."""
    return html.escape(marked).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


def _fts5_query(
    groups: list[list[str]],
    kinds: Sequence[str],
    *,
    match: Match = "all",
    prefix: bool = True,
    title_only: bool = False,
) -> str:
    parts = []
    for position, group in enumerate(groups):
        last = prefix and position == len(groups) - 1
        # The typed word is the prefix; corrections are whole words (a misspelt prefix is not corrected).
        alternatives = [f'"{group[0]}"*' if last and len(group[0]) >= 2 else f'"{group[0]}"']
        alternatives += [f'"{w}"' for w in group[1:]]
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    kind_filter = " OR ".join(f'"{k}"' for k in kinds)
    joiner = " AND " if match == "all" else " OR "
    columns = "title" if title_only else "title body"
    return f"{{kind}} : ({kind_filter}) AND {{{columns}}} : ({joiner.join(parts)})"


def _search_sqlite(groups: list[list[str]], words: list[str], o: _Options) -> list[Hit]:
    fts_query = _fts5_query(groups, o.kinds, match=o.match, prefix=o.prefix, title_only=o.title_only)
    limit, window = o.limit, o.window
    with connection.cursor() as cursor:
        if o.ranked:
            # Every match is scored; for bounded corpora (help articles) relevance beats recency.
            cursor.execute(
                "SELECT rowid, bm25(search_fts, 0.0, 4.0, 1.0) AS s FROM search_fts"
                " WHERE search_fts MATCH %s ORDER BY s LIMIT %s",
                [fts_query, limit],
            )
        else:
            # Step 1: score the newest `window` matches; bm25() is cheap, and ORDER BY rowid lets FTS5 stop early.
            cursor.execute(
                "SELECT rowid, bm25(search_fts, 0.0, 4.0, 1.0) FROM search_fts"
                " WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
                [fts_query, window],
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
        if i in rows and rows[i][0] in o.kinds  # a kind with punctuation is a phrase in FTS5; check exactly
    ]


_PG_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(body, '')), 'B'))"
)


def _pg_tsquery(groups: list[list[str]], *, match: Match, prefix: bool, title_only: bool = False) -> str:
    parts = []
    weight = "A" if title_only else ""  # titles carry weight A in the indexed vector
    for position, group in enumerate(groups):
        safe = [w for w in (re.sub(r"[^\w]", "", w) for w in group) if w]
        if not safe:
            continue
        if weight:
            safe = [f"{w}:{weight}" for w in safe]
        if prefix and position == len(groups) - 1:
            safe[0] += "*" if weight else ":*"
        parts.append(safe[0] if len(safe) == 1 else "(" + " | ".join(safe) + ")")
    return (" & " if match == "all" else " | ").join(parts)


def _search_postgres(groups: list[list[str]], words: list[str], o: _Options) -> list[Hit]:
    tsquery = _pg_tsquery(groups, match=o.match, prefix=o.prefix, title_only=o.title_only)
    if not tsquery:
        return []
    kinds, limit, window = o.kinds, o.limit, o.window
    if o.ranked:
        sql = (
            "SELECT d.kind, d.ref_id, d.group_id, d.title, d.body, ts_rank(" + _PG_VECTOR + ", q) AS r"
            " FROM search_searchdocument d, to_tsquery('english', %s) AS q"
            " WHERE d.kind = ANY(%s) AND " + _PG_VECTOR + " @@ q ORDER BY r DESC LIMIT %s"
        )
        params: list[Any] = [tsquery, list(kinds), limit]
    else:
        sql = (
            "SELECT kind, ref_id, group_id, title, body, ts_rank(" + _PG_VECTOR + ", q) FROM ("
            " SELECT d.*, to_tsquery('english', %s) AS q FROM search_searchdocument d"
            " WHERE d.kind = ANY(%s) AND " + _PG_VECTOR + " @@ to_tsquery('english', %s)"
            " ORDER BY d.id DESC LIMIT %s) AS recent"
        )
        params = [tsquery, list(kinds), tsquery, window]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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
