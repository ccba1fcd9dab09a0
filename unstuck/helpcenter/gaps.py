"""The gap report: what customers asked about lately that no article answers, grouped into topics.

A conversation is "covered" when the best article (public or internal) contains at least `COVERAGE` of
the informative words of its subject and first message. Uncovered ones are grouped by TF-IDF over their
text and agglomerative clustering on cosine distance; each topic is named by its heaviest terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from unstuck.conversations.models import Conversation, Status
from unstuck.search import engine

from . import selectors

COVERAGE = 0.5
DAYS = 30
MAX_CONVERSATIONS = 400  # the newest ones; enough to see the topics, bounded cost (one search each)


@dataclass
class Topic:
    label: str
    conversations: list[Conversation] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.conversations)

    @property
    def examples(self) -> list[Conversation]:
        solved_first = sorted(self.conversations, key=lambda c: c.status not in (Status.SOLVED, Status.CLOSED))
        return solved_first[:3]


@dataclass(frozen=True)
class GapReport:
    considered: int
    uncovered: int
    topics: list[Topic]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def coverage(text: str) -> float:
    """Share of the text's informative words found in its best-matching article (0 when none matches)."""
    words = {_stem(w) for w in engine.informative_terms(text, limit=40)}
    if not words:
        return 1.0
    best = selectors.suggest_articles(text + " ", include_internal=True, limit=1)
    if not best:
        return 0.0
    article = best[0].article
    article_words = {_stem(w) for w in engine.terms(f"{article.title} {article.body}", limit=100_000)}
    return len(words & article_words) / len(words)


def gap_report(*, days: int = DAYS, threshold: float = COVERAGE) -> GapReport:
    since = timezone.now() - timedelta(days=days)
    recent = list(
        Conversation.objects.filter(created_at__gte=since, merged_into__isnull=True)
        .select_related("customer")
        .order_by("-created_at")[:MAX_CONVERSATIONS]
    )
    texts = {c.pk: selectors.conversation_text(c) for c in recent}
    uncovered = [c for c in recent if coverage(texts[c.pk]) < threshold]
    return GapReport(considered=len(recent), uncovered=len(uncovered), topics=cluster(uncovered, texts))


def cluster(conversations: list[Conversation], texts: dict[int, str]) -> list[Topic]:
    """Group by wording; topics with most conversations first, single ones last."""
    if not conversations:
        return []
    if len(conversations) == 1:
        return [Topic(conversations[0].subject, conversations)]
    # Imported here: scikit-learn takes a second to import, and only this page needs it.
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, token_pattern=r"(?u)\b[a-zA-Z]{3,}\b")
    try:
        matrix = vectorizer.fit_transform([texts[c.pk] for c in conversations]).toarray()
    except ValueError:  # nothing but stopwords
        return [Topic("Other", conversations)]
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=0.85
    ).fit_predict(np.where(matrix.any(axis=1, keepdims=True), matrix, 1e-9))
    vocabulary = vectorizer.get_feature_names_out()
    topics = []
    for label in sorted(set(labels)):
        rows = [i for i, x in enumerate(labels) if x == label]
        weights = matrix[rows].mean(axis=0)
        top = [vocabulary[i] for i in weights.argsort()[::-1][:3] if weights[i] > 0]
        topics.append(Topic(", ".join(top) or "Other", [conversations[i] for i in rows]))
    topics.sort(key=lambda t: (-t.count, t.label))
    return topics
