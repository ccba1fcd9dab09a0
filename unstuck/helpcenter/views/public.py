"""The public help center: no login, only published public articles, fast pages that work without JavaScript."""

import secrets

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from unstuck.core.errors import DomainError, NotFound
from unstuck.core.htmx import render_page

from .. import selectors, services
from ..forms import VoteForm
from ..markdown import render_markdown

VISIT_COOKIE = "unstuck_visit"  # shared with suggest.js
VISIT_SECONDS = 30 * 60  # the cookie lapses after 30 minutes without activity, like the session


def site_context() -> dict:
    """The company name in the header; set HELP_CENTER_NAME (e.g. "Fernhill") in the settings."""
    return {"site_name": getattr(settings, "HELP_CENTER_NAME", "")}


def home(request: HttpRequest) -> HttpResponse:
    """Can I solve this myself? One big search box, then the categories."""
    context = {
        **site_context(),
        "categories": selectors.list_public_categories(),
        "popular": selectors.list_popular_articles(),
    }
    return render(request, "helpcenter/public/home.html", context)


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:300]
    results = selectors.suggest_articles(query, limit=20) if query else []
    context = {**site_context(), "q": query, "results": results}
    return render_page(request, "helpcenter/public/search.html", context, partial="results")


def category(request: HttpRequest, category_slug: str) -> HttpResponse:
    try:
        found = selectors.get_public_category(category_slug)
    except NotFound as error:
        raise Http404(error.message) from error
    context = {**site_context(), "category": found, "articles": selectors.list_public_articles(found)}
    return render(request, "helpcenter/public/category.html", context)


def article(request: HttpRequest, category_slug: str, slug: str) -> HttpResponse:
    try:
        found = selectors.get_public_article(category_slug, slug)
    except NotFound as error:
        raise Http404(error.message) from error
    services.record_view(found, session_key=request.COOKIES.get(VISIT_COOKIE))
    context = {
        **site_context(),
        "article": found,
        "body_html": render_markdown(found.body),
        "related": selectors.list_public_articles(found.category).exclude(pk=found.pk)[:5],
        "voted": request.GET.get("voted"),
    }
    return render(request, "helpcenter/public/article.html", context)


@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Was this helpful? One vote per visit session; works as a plain form and with htmx."""
    found = selectors.find_public_article(pk)
    form = VoteForm(request.POST)
    if found is None or not form.is_valid():
        raise Http404("No such article.")
    key = request.COOKIES.get(VISIT_COOKIE, "")
    if not services.SESSION_KEY.match(key):
        key = secrets.token_urlsafe(16)
    try:
        services.vote(found, session_key=key, helpful=form.cleaned_data["helpful"])
    except DomainError as error:
        raise Http404(error.message) from error
    if getattr(request, "htmx", False):
        response = render(request, "helpcenter/public/article.html#vote", {"article": found, "voted": "1"})
    else:
        response = redirect(found.public_path + "?voted=1#vote")
    response.set_cookie(VISIT_COOKIE, key, max_age=VISIT_SECONDS, samesite="Lax")
    return response
