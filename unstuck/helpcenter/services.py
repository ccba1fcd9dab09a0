"""Every change to the help center: articles and their revisions, visitor sessions, votes and agent uses.

Who may write: any agent drafts and edits internal articles; what the public reads (a published public
article, before or after the change) and the categories are a lead's call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from unstuck.accounts.models import Agent, Role
from unstuck.accounts.permissions import require_role
from unstuck.conversations.models import Conversation
from unstuck.conversations.services import record_event
from unstuck.core.errors import DomainError, NotFound
from unstuck.search import engine

from . import selectors
from .markdown import plain_text
from .models import (
    Article,
    ArticleCategory,
    ArticleRevision,
    ArticleStatus,
    ArticleUse,
    SuggestionEvent,
    SuggestionEventKind,
    Visibility,
    VisitSession,
    Vote,
)
from .selectors import INTERNAL_KIND, PUBLIC_KIND, USE_KIND

SESSION_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


# Categories and articles ----------------------------------------------------------------------------


@transaction.atomic
def create_category(*, name: str, description: str = "", actor: Agent | None) -> ArticleCategory:
    """Categories shape the public site, so leads make them (imports run without an actor)."""
    if actor is not None:
        require_role(actor, Role.LEAD, "add help center categories")
    name = name.strip()
    if not name:
        raise DomainError("category_name_required", "Give the category a name.")
    if ArticleCategory.objects.filter(name__iexact=name).exists():
        raise DomainError("category_exists", f"There is already a category called {name!r}.")
    slug = _unique_slug(name, ArticleCategory.objects.all())
    return ArticleCategory.objects.create(name=name, slug=slug, description=description.strip())


def ensure_category(name: str) -> ArticleCategory:
    """The category called `name`, created if missing (imports and demo content)."""
    found = ArticleCategory.objects.filter(name__iexact=name.strip()).first()
    return found or create_category(name=name, actor=None)


@dataclass(frozen=True)
class ArticleDraft:
    """What an editor submits; the services decide whether it may be saved."""

    category: ArticleCategory
    title: str
    body: str
    visibility: str = Visibility.PUBLIC
    status: str = ArticleStatus.DRAFT


@transaction.atomic
def create_article(draft: ArticleDraft, *, actor: Agent | None, note: str = "", external_id: str = "") -> Article:
    """A new article with its first revision; indexed for search once published."""
    _check_may_write(actor, before_public=False, after=draft)
    title = _clean_title(draft.title)
    article = Article.objects.create(
        category=draft.category,
        title=title,
        slug=_unique_slug(title, Article.objects.filter(category=draft.category)),
        body=draft.body,
        visibility=draft.visibility,
        status=draft.status,
        author=actor,
        external_id=external_id,
        published_at=timezone.now() if draft.status == ArticleStatus.PUBLISHED else None,
    )
    _save_revision(article, actor=actor, note=note or "Created")
    _reindex(article)
    record_event(kind="article.created", actor=actor, after={"article": article.pk, "title": title})
    return article


@transaction.atomic
def update_article(article: Article, draft: ArticleDraft, *, actor: Agent | None, note: str = "") -> Article:
    """Save a new revision; the URL (slug) stays, so links in old replies keep working."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _check_may_write(actor, before_public=article.is_public, after=draft)
    before = {"title": article.title, "status": article.status, "visibility": article.visibility}
    if draft.category.pk != article.category_id:
        article.slug = _unique_slug(article.slug, Article.objects.filter(category=draft.category))
    article.category = draft.category
    article.title = _clean_title(draft.title)
    article.body = draft.body
    article.visibility = draft.visibility
    if draft.status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    article.status = draft.status
    article.save()
    _save_revision(article, actor=actor, note=note)
    _reindex(article)
    after = {"title": article.title, "status": article.status, "visibility": article.visibility}
    record_event(kind="article.updated", actor=actor, before=before, after={"article": article.pk, **after})
    return article


def _check_may_write(actor: Agent | None, *, before_public: bool, after: ArticleDraft) -> None:
    after_public = after.status == ArticleStatus.PUBLISHED and after.visibility == Visibility.PUBLIC
    if actor is not None and (before_public or after_public):
        require_role(actor, Role.LEAD, "publish or change articles in the public help center")


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise DomainError("title_required", "Give the article a title.")
    return title[:200]


def _unique_slug(text: str, siblings: Iterable[ArticleCategory | Article]) -> str:
    base = slugify(text)[:80] or "article"
    taken = {s.slug for s in siblings}  # type: ignore[union-attr]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save_revision(article: Article, *, actor: Agent | None, note: str) -> ArticleRevision:
    last = article.revisions.aggregate(n=Max("number"))["n"] or 0
    return ArticleRevision.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        body=article.body,
        visibility=article.visibility,
        status=article.status,
        author=actor,
        note=note[:200],
    )


def _reindex(article: Article) -> None:
    """Only published articles are searchable; public and internal ones under different kinds."""
    engine.remove(PUBLIC_KIND, [article.pk])
    engine.remove(INTERNAL_KIND, [article.pk])
    if article.status == ArticleStatus.PUBLISHED:
        kind = PUBLIC_KIND if article.visibility == Visibility.PUBLIC else INTERNAL_KIND
        engine.index(kind, article.pk, title=article.title, body=plain_text(article.body), typo_tolerant=True)


# Visitors: sessions, impressions, clicks, submissions, votes ---------------------------------------


def touch_session(key: str) -> VisitSession:
    """The visitor's session, created on first sight; every call counts as activity."""
    if not SESSION_KEY.match(key or ""):
        raise DomainError("invalid_session", "The visit session id must be 8-64 letters, digits, - or _.")
    now = timezone.now()
    session, created = VisitSession.objects.get_or_create(key=key, defaults={"started_at": now, "last_seen_at": now})
    if not created:
        VisitSession.objects.filter(pk=session.pk).update(last_seen_at=now)
        session.last_seen_at = now
    return session


def record_impressions(session_key: str, article_ids: list[int], *, query: str) -> None:
    """Suggestions shown to a visitor; each article counts once per session."""
    if not article_ids:
        return
    session = touch_session(session_key)
    SuggestionEvent.objects.bulk_create(
        [
            SuggestionEvent(session=session, article_id=a, kind=SuggestionEventKind.IMPRESSION, query=query[:300])
            for a in article_ids
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def record_click(session_key: str, article: Article, *, query: str = "") -> VisitSession:
    """The visitor opened a suggested article: the start of a possible deflection."""
    session = touch_session(session_key)
    SuggestionEvent.objects.get_or_create(
        session=session, article=article, kind=SuggestionEventKind.CLICK, defaults={"query": query[:300]}
    )
    if session.first_click_at is None:
        VisitSession.objects.filter(pk=session.pk, first_click_at__isnull=True).update(first_click_at=timezone.now())
        session.refresh_from_db()
    return session


@transaction.atomic
def mark_session_submitted(session_key: str) -> VisitSession:
    """The visitor wrote to us anyway: whatever they read did not deflect this question."""
    session = touch_session(session_key)
    if session.submitted_at is None:
        VisitSession.objects.filter(pk=session.pk).update(submitted_at=timezone.now())
        session.refresh_from_db()
    return session


def record_view(article: Article, *, session_key: str | None) -> None:
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    if session_key and SESSION_KEY.match(session_key):
        touch_session(session_key)


@transaction.atomic
def vote(article: Article, *, session_key: str, helpful: bool) -> Vote:
    """One vote per visit session; changing one's mind moves the vote, it does not add a second."""
    if not article.is_public:
        raise NotFound("The article")
    touch_session(session_key)
    existing = Vote.objects.select_for_update().filter(article=article, session_key=session_key).first()
    if existing is not None:
        if existing.helpful != helpful:
            existing.helpful = helpful
            existing.save(update_fields=["helpful"])
            _count_vote(article, helpful, +1)
            _count_vote(article, not helpful, -1)
        return existing
    try:
        with transaction.atomic():
            created = Vote.objects.create(article=article, session_key=session_key, helpful=helpful)
    except IntegrityError:  # a double click raced us; the first vote stands
        return Vote.objects.get(article=article, session_key=session_key)
    _count_vote(article, helpful, +1)
    return created


def _count_vote(article: Article, helpful: bool, delta: int) -> None:
    field = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + delta})


# Agents: learning from the articles they use ---------------------------------------------------------


@transaction.atomic
def record_article_use(article: Article, *, conversation: Conversation, agent: Agent, mode: str) -> ArticleUse:
    """An agent inserted the article into a reply; the conversation's words now point to it."""
    if article.status != ArticleStatus.PUBLISHED:
        raise DomainError("article_not_published", "Only published articles can be used in replies.")
    if mode not in ("link", "text"):
        raise DomainError("invalid_mode", "Use mode 'link' or 'text'.")
    context = selectors.conversation_text(conversation)
    use = ArticleUse.objects.create(
        article=article, conversation_id=conversation.pk, agent=agent, mode=mode, context=context
    )
    Article.objects.filter(pk=article.pk).update(use_count=F("use_count") + 1)
    engine.index(USE_KIND, use.pk, body=context, group_id=article.pk)
    return use
