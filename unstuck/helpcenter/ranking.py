"""The suggester: which articles answer this text? Shared by the public suggestions, the agent sidebar and
`unstuck help-eval`, so the evaluation measures exactly what users get.

Three signals, each from `unstuck.search.engine`:
- lexical: BM25 over article titles (weighted) and bodies, all words first, then any word when that
  finds too little (a whole customer message rarely has every word in one article);
- learned: texts that an article answered before (agents inserting it into a reply, or history in an
  evaluation) indexed as documents of `use_kind` grouped by article; the best of them vote for their
  article, a nearest-neighbour vote;
- helpfulness: "was this helpful?" votes scale the lexical score by up to ±50 %.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from unstuck.search import engine

LEARNED_WEIGHT = 2.0  # a learned vote outweighs lexical: past questions are phrased like new ones (help-eval)
NEIGHBOURS = 20  # how many past texts vote
CANDIDATES = 30
BODY_WINDOW = 300
MIN_PREFIX = 3  # letters of a word still being typed before it counts


@dataclass(frozen=True)
class Ranked:
    article_id: int
    score: float
    lexical: float
    learned: float
    snippet_html: str


def helpfulness_factor(yes: int, no: int) -> float:
    """1.0 without votes; towards 1.5 (all yes) or 0.5 (all no), damped while there are few votes."""
    return 1.0 + 0.5 * (yes - no) / (yes + no + 4)


def rank(
    text: str,
    *,
    kinds: Sequence[str],
    use_kind: str | None,
    limit: int = 5,
    helpfulness: Mapping[int, float] | None = None,
    prefix_typing: bool = True,
    deep: bool = False,
) -> list[Ranked]:
    """Best articles for `text`; `helpfulness` maps article id to a factor from `helpfulness_factor`.

    Titles are searched first (all words, then any): few rows match a word in a title, so this stays
    fast at 10,000 articles. Bodies are searched when titles find too little, or always with `deep`
    (the agent sidebar and reports, which read whole messages and can afford it).
    """
    query = text if prefix_typing else text.rstrip() + " "
    partial_word = re.search(r"\w+$", query)
    if partial_word and len(partial_word.group()) < MIN_PREFIX:
        query = query[: partial_word.start()]  # "my card wo": two letters say little and match a lot
    if not any(w not in engine.STOPWORDS for w in engine.terms(query, limit=200)):
        return []  # "how do I" says nothing yet
    lexical: dict[int, float] = {}
    snippets: dict[int, str] = {}
    search = partial(engine.search, query, kinds=kinds, limit=CANDIDATES, ranked=True)
    hits = search(title_only=True, typo_tolerant=True)
    if len(hits) < limit:
        hits += search(title_only=True, match="any", typo_tolerant=True)
    if deep:
        hits += search(match="any")
    elif len(hits) < limit:
        # Bodies of the newest matches only: a bounded cost however common the words are.
        hits += engine.search(query, kinds=kinds, limit=CANDIDATES, window=BODY_WINDOW, match="any")
    for hit in hits:
        if hit.score > lexical.get(hit.ref_id, 0.0):
            lexical[hit.ref_id] = hit.score
            snippets[hit.ref_id] = hit.snippet_html
    learned = _learned_votes(query, use_kind) if use_kind else {}
    return combine(lexical, learned, snippets, helpfulness or {}, limit=limit)


def _learned_votes(query: str, use_kind: str) -> dict[int, float]:
    votes: dict[int, float] = defaultdict(float)
    for hit in engine.search(query, kinds=[use_kind], limit=NEIGHBOURS, ranked=True, match="any"):
        if hit.group_id is not None:
            votes[hit.group_id] += hit.score
    return votes


def combine(
    lexical: Mapping[int, float],
    learned: Mapping[int, float],
    snippets: Mapping[int, str],
    helpfulness: Mapping[int, float],
    *,
    limit: int,
) -> list[Ranked]:
    """Scores are scaled to the best of each signal, so BM25's corpus-dependent range does not matter."""
    top_lexical = max(lexical.values(), default=0.0) or 1.0
    top_learned = max(learned.values(), default=0.0) or 1.0
    ranked = []
    for article_id in set(lexical) | set(learned):
        lex = lexical.get(article_id, 0.0) / top_lexical
        lrn = learned.get(article_id, 0.0) / top_learned
        score = lex * helpfulness.get(article_id, 1.0) + LEARNED_WEIGHT * lrn
        ranked.append(Ranked(article_id, score, lex, lrn, snippets.get(article_id, "")))
    ranked.sort(key=lambda r: (-r.score, r.article_id))
    return ranked[:limit]
