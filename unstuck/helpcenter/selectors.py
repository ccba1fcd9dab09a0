"""Reads for the help center: the public site, the editor, suggestions and the deflection report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.html import escape

from unstuck.conversations.models import Conversation, Message, MessageKind, Status
from unstuck.core.errors import NotFound
from unstuck.search import engine

from .markdown import plain_text
from .models import (
    Article,
    ArticleCategory,
    ArticleRevision,
    ArticleStatus,
    SuggestionEvent,
    SuggestionEventKind,
    Visibility,
    VisitSession,
)
from .ranking import helpfulness_factor, rank

# One token each: the full-text index splits kinds at punctuation, and "article_use" would also match "article".
PUBLIC_KIND, INTERNAL_KIND, USE_KIND = "article", "internalarticle", "articleuse"
PUBLIC = Q(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)
# A visit with no activity for this long has ended; an article opened in it and no message sent is a deflection.
SESSION_IDLE = timedelta(minutes=30)


# Public site -------------------------------------------------------------------------------------------


def list_public_categories() -> QuerySet[ArticleCategory]:
    """Categories that have something to read, with how many articles."""
    published = Count("articles", filter=Q(articles__status=ArticleStatus.PUBLISHED, articles__visibility="public"))
    return ArticleCategory.objects.annotate(article_count=published).filter(article_count__gt=0)


def get_public_category(slug: str) -> ArticleCategory:
    category = list_public_categories().filter(slug=slug).first()
    if category is None:
        raise NotFound("The category")
    return category


def list_public_articles(category: ArticleCategory | None = None) -> QuerySet[Article]:
    articles = Article.objects.filter(PUBLIC).select_related("category")
    return articles.filter(category=category) if category is not None else articles


def list_popular_articles(limit: int = 6) -> list[Article]:
    return list(list_public_articles().order_by("-view_count", "-helpful_yes", "title")[:limit])


def get_public_article(category_slug: str, slug: str) -> Article:
    """Drafts and internal articles do not exist for the public: the same 404 as a wrong URL."""
    article = list_public_articles().filter(category__slug=category_slug, slug=slug).first()
    if article is None:
        raise NotFound("The article")
    return article


def find_public_article(article_id: int) -> Article | None:
    return list_public_articles().filter(pk=article_id).first()


def get_public_article_by_id(article_id: int) -> Article:
    article = find_public_article(article_id)
    if article is None:
        raise NotFound(f"Article {article_id}")
    return article


# Editor ------------------------------------------------------------------------------------------------


def list_categories() -> QuerySet[ArticleCategory]:
    return ArticleCategory.objects.annotate(article_count=Count("articles"))


def get_category(category_id: int) -> ArticleCategory:
    category = ArticleCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound(f"Category {category_id}")
    return category


def list_articles(*, status: str = "", visibility: str = "", query: str = "") -> QuerySet[Article]:
    articles = Article.objects.select_related("category", "author__user").order_by("-updated_at")
    if status:
        articles = articles.filter(status=status)
    if visibility:
        articles = articles.filter(visibility=visibility)
    if query:
        articles = articles.filter(title__icontains=query)
    return articles


def get_article(article_id: int) -> Article:
    """Any agent may read any article, drafts and internal ones included."""
    article = Article.objects.select_related("category", "author__user").filter(pk=article_id).first()
    if article is None:
        raise NotFound(f"Article {article_id}")
    return article


def list_revisions(article: Article) -> QuerySet[ArticleRevision]:
    return article.revisions.select_related("author__user")


def get_revision(article: Article, number: int) -> ArticleRevision:
    revision = list_revisions(article).filter(number=number).first()
    if revision is None:
        raise NotFound(f"Revision {number}")
    return revision


# Suggestions -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    article: Article
    snippet_html: str
    score: float


def suggest_articles(text: str, *, include_internal: bool = False, limit: int = 5) -> list[Suggestion]:
    """Articles that may answer `text`, best first: BM25 (title boosted), votes, and what agents used."""
    kinds = [PUBLIC_KIND, INTERNAL_KIND] if include_internal else [PUBLIC_KIND]
    ranked = rank(text[:1000], kinds=kinds, use_kind=USE_KIND, limit=limit * 3)
    visible = Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("category")
    if not include_internal:
        visible = visible.filter(visibility=Visibility.PUBLIC)
    articles = visible.in_bulk([r.article_id for r in ranked])
    # Votes rescale the lexical part; the engine does not know them, so re-rank here.
    rescored = []
    for r in ranked:
        article = articles.get(r.article_id)
        if article is None:  # learned from an article that is now a draft or internal
            continue
        factor = helpfulness_factor(article.helpful_yes, article.helpful_no)
        score = r.score + r.lexical * (factor - 1.0)
        rescored.append(Suggestion(article, r.snippet_html or _lead_snippet(article), score))
    rescored.sort(key=lambda s: (-s.score, s.article.pk))
    return rescored[:limit]


def _lead_snippet(article: Article, width: int = 140) -> str:
    text = plain_text(article.body)
    return escape(text[:width] + ("…" if len(text) > width else ""))


def conversation_text(conversation: Conversation) -> str:
    """What the customer asked: the subject and their first and latest messages."""
    inbound = Message.objects.filter(conversation=conversation, kind=MessageKind.INBOUND).order_by("created_at", "id")
    first = inbound.values_list("text", flat=True).first() or ""
    last = inbound.reverse().values_list("text", flat=True).first() or ""
    parts = [conversation.subject, first[:800]] + ([last[:400]] if last != first else [])
    return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class SimilarConversation:
    conversation: Conversation
    final_reply: str


@dataclass(frozen=True)
class ConversationSuggestions:
    articles: list[Suggestion]
    similar: list[SimilarConversation]


def suggestions_for_conversation(conversation: Conversation, *, limit: int = 5) -> ConversationSuggestions:
    """Beside a conversation: matching articles (public and internal) and similar solved conversations."""
    text = conversation_text(conversation)
    articles = suggest_articles(text + " ", include_internal=True, limit=limit)
    return ConversationSuggestions(articles=articles, similar=similar_solved_conversations(conversation, text))


def similar_solved_conversations(conversation: Conversation, text: str, *, limit: int = 3) -> list[SimilarConversation]:
    hits = engine.search(text + " ", kinds=["conversation", "message"], limit=80, window=2000, match="any")
    best: dict[int, float] = {}
    for hit in hits:
        if hit.group_id is not None and hit.group_id != conversation.pk:
            best[hit.group_id] = max(best.get(hit.group_id, 0.0), hit.score)
    solved = Conversation.objects.filter(pk__in=list(best), status__in=[Status.SOLVED, Status.CLOSED])
    ordered = sorted(solved, key=lambda c: -best[c.pk])[:limit]
    replies = final_replies([c.pk for c in ordered])
    return [SimilarConversation(c, replies.get(c.pk, "")) for c in ordered]


def final_replies(conversation_ids: list[int]) -> dict[int, str]:
    """The last reply sent to the customer in each conversation."""
    replies: dict[int, str] = {}
    outbound = Message.objects.filter(conversation_id__in=conversation_ids, kind=MessageKind.OUTBOUND)
    for conversation_id, text in outbound.order_by("created_at", "id").values_list("conversation_id", "text"):
        replies[conversation_id] = text  # later rows overwrite earlier ones
    return replies


# Deflection --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeflectionReport:
    sessions_shown: int  # visits that saw at least one suggestion
    sessions_clicked: int  # ... and opened one
    deflected: int  # opened one, did not write to us, and the visit has ended
    submitted_after_click: int  # opened one and wrote anyway
    in_progress: int  # opened one, no message yet, visit still active

    @property
    def deflection_rate(self) -> float:
        ended = self.deflected + self.submitted_after_click
        return self.deflected / ended if ended else 0.0


def deflection_report(*, since: datetime | None = None, now: datetime | None = None) -> DeflectionReport:
    now = now or timezone.now()
    sessions = VisitSession.objects.filter(started_at__gte=since) if since else VisitSession.objects.all()
    shown = SuggestionEvent.objects.filter(kind=SuggestionEventKind.IMPRESSION).values("session_id")
    clicked = sessions.filter(first_click_at__isnull=False)
    open_ = clicked.filter(submitted_at__isnull=True)
    return DeflectionReport(
        sessions_shown=sessions.filter(pk__in=shown).count(),
        sessions_clicked=clicked.count(),
        deflected=open_.filter(last_seen_at__lt=now - SESSION_IDLE).count(),
        submitted_after_click=clicked.filter(submitted_at__isnull=False).count(),
        in_progress=open_.filter(last_seen_at__gte=now - SESSION_IDLE).count(),
    )
