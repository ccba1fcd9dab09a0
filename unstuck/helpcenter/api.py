"""Help center API: public suggestions and visitor signals (no login), and agents' article use."""

from dataclasses import asdict
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from unstuck.conversations.selectors import access_conversation
from unstuck.core.auth import AuthedRequest

from . import selectors, services
from .models import Article, VisitSession
from .schemas import (
    ArticleOut,
    ClickIn,
    DeflectionOut,
    SessionIn,
    SessionOut,
    SuggestionOut,
    UseIn,
    UseOut,
    VoteIn,
    VoteOut,
)

router = Router(tags=["helpcenter"])


class SuggestQuery(Schema):
    q: str = Field(default="", max_length=1000)
    session: str = Field(default="", max_length=64)
    limit: int = Field(default=5, ge=1, le=10)


@router.get("/suggest", response=list[SuggestionOut], auth=None)
def suggest(request: HttpRequest, params: Query[SuggestQuery]) -> list[dict]:
    """Public articles that may answer what the visitor is typing; records impressions for a session."""
    suggestions = selectors.suggest_articles(params.q, limit=params.limit) if params.q.strip() else []
    if params.session and suggestions:
        services.record_impressions(params.session, [s.article.pk for s in suggestions], query=params.q)
    return [
        {
            "id": s.article.pk,
            "title": s.article.title,
            "url": request.build_absolute_uri(s.article.public_path),
            "snippet": s.snippet_html,
            "category": s.article.category.name,
        }
        for s in suggestions
    ]


@router.post("/clicks", response={201: SessionOut}, auth=None)
def click(request: HttpRequest, payload: ClickIn) -> Status:
    """The visitor opened a suggested article."""
    article = selectors.get_public_article_by_id(payload.article_id)
    session = services.record_click(payload.session, article, query=payload.query)
    return Status(201, _session_out(session))


@router.post("/sessions/submitted", response=SessionOut, auth=None)
def submitted(request: HttpRequest, payload: SessionIn) -> dict:
    """The visitor sent the contact form or a chat message: this visit was not deflected."""
    return _session_out(services.mark_session_submitted(payload.session))


@router.post("/articles/{article_id}/vote", response=VoteOut, auth=None)
def vote(request: HttpRequest, article_id: int, payload: VoteIn) -> dict:
    article = selectors.get_public_article_by_id(article_id)
    cast = services.vote(article, session_key=payload.session, helpful=payload.helpful)
    article.refresh_from_db()
    return {
        "article_id": article.pk,
        "helpful": cast.helpful,
        "helpful_yes": article.helpful_yes,
        "helpful_no": article.helpful_no,
    }


@router.post("/articles/{article_id}/uses", response={201: UseOut})
def use(request: AuthedRequest, article_id: int, payload: UseIn) -> Status:
    """An agent inserted the article into a reply; suggestions learn from it."""
    article = selectors.get_article(article_id)
    conversation = access_conversation(request.agent, payload.conversation_id)
    used = services.record_article_use(article, conversation=conversation, agent=request.agent, mode=payload.mode)
    return Status(201, used)


@router.get("/articles", response=list[ArticleOut])
def list_articles(request: AuthedRequest, status: str = "", visibility: str = "") -> list[dict]:
    return [_article_out(a) for a in selectors.list_articles(status=status, visibility=visibility)[:500]]


@router.get("/deflection", response=DeflectionOut)
def deflection(request: AuthedRequest, days: int = 30) -> dict:
    report = selectors.deflection_report(since=timezone.now() - timedelta(days=max(1, min(days, 365))))
    return {**asdict(report), "deflection_rate": round(report.deflection_rate, 4)}


def _session_out(session: VisitSession) -> dict:
    return {
        "session": session.key,
        "clicked": session.first_click_at is not None,
        "submitted": session.submitted_at is not None,
    }


def _article_out(article: Article) -> dict:
    return {
        "id": article.pk,
        "title": article.title,
        "category": article.category.name,
        "visibility": article.visibility,
        "status": article.status,
        "url": article.public_path if article.is_public else None,
        "updated_at": article.updated_at,
    }
