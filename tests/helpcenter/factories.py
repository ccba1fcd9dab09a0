"""Builders through the services, so articles get revisions and search index rows like real ones."""

from unstuck.helpcenter import services
from unstuck.helpcenter.models import Article, ArticleCategory, ArticleStatus, Visibility


def category(name: str = "Billing") -> ArticleCategory:
    return services.ensure_category(name)


def article(
    title: str = "Refunds and how long they take",
    body: str = "Refunds reach your card within 5 to 10 working days.",
    *,
    category_name: str = "Billing",
    visibility: str = Visibility.PUBLIC,
    status: str = ArticleStatus.PUBLISHED,
) -> Article:
    """A published public article unless told otherwise; written by an import (no actor)."""
    draft = services.ArticleDraft(
        category=category(category_name), title=title, body=body, visibility=visibility, status=status
    )
    return services.create_article(draft, actor=None)
