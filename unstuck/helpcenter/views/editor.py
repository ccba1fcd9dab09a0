"""The article editor and the help center reports, for agents (publishing public articles is for leads)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from unstuck.accounts.models import Role
from unstuck.accounts.permissions import require_role
from unstuck.conversations.selectors import access_conversation
from unstuck.core.decorators import agent_required
from unstuck.core.errors import DomainError, Forbidden, NotFound
from unstuck.core.htmx import render_page

from .. import gaps, selectors, services
from ..forms import ArticleForm, CategoryForm
from ..markdown import render_markdown
from ..models import Article, ArticleStatus, Visibility

STATUS_FILTERS = [("", "All"), *ArticleStatus.choices]


def not_found_is_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A missing article, revision or conversation is the usual 404 page, not a server error."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return wrapper


@agent_required
def article_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    visibility = request.GET.get("visibility", "")
    q = request.GET.get("q", "").strip()
    context = {
        "section": "articles",
        "articles": selectors.list_articles(status=status, visibility=visibility, query=q)[:300],
        "status": status,
        "visibility": visibility,
        "q": q,
        "status_filters": STATUS_FILTERS,
        "visibilities": Visibility.choices,
        "deflection": selectors.deflection_report(),
        "has_categories": selectors.list_categories().exists(),
    }
    return render_page(request, "helpcenter/articles/list.html", context, partial="rows")


def _draft(form: ArticleForm) -> services.ArticleDraft:
    data = form.cleaned_data
    return services.ArticleDraft(
        category=data["category"],
        title=data["title"],
        body=data["body"],
        visibility=data["visibility"],
        status=data["status"],
    )


def _initial_from_conversation(request: HttpRequest, conversation_id: str) -> dict:
    """Draft an article from a solved conversation: its subject, the question and the final reply."""
    conversation = access_conversation(request.agent, int(conversation_id))  # type: ignore[attr-defined]
    question = selectors.conversation_text(conversation).split("\n", 1)[-1].strip()
    answer = selectors.final_replies([conversation.pk]).get(conversation.pk, "")
    quoted = "\n".join(f"> {line}" if line else ">" for line in question.splitlines())
    body = f"## The question\n\n{quoted}\n\n## The answer\n\n{answer}\n"
    return {"title": conversation.subject, "body": body, "visibility": Visibility.INTERNAL}


@agent_required
@not_found_is_404
def new_article(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                article = services.create_article(_draft(form), actor=agent, note=form.cleaned_data["note"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Saved “{article.title}”.")
                return redirect("helpcenter:edit", pk=article.pk)
    else:
        source = request.GET.get("from", "")
        initial = _initial_from_conversation(request, source) if source.isdigit() else {}
        form = ArticleForm(initial=initial)
    return _editor(request, form, None)


@agent_required
@not_found_is_404
def edit_article(request: HttpRequest, pk: int) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    article = selectors.get_article(pk)
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                article = services.update_article(article, _draft(form), actor=agent, note=form.cleaned_data["note"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Saved “{article.title}”.")
                return redirect("helpcenter:edit", pk=article.pk)
    else:
        form = ArticleForm(
            initial={
                "title": article.title,
                "category": article.category_id,
                "body": article.body,
                "visibility": article.visibility,
                "status": article.status,
            }
        )
    return _editor(request, form, article)


def _editor(request: HttpRequest, form: ArticleForm, article: Article | None) -> HttpResponse:
    body = form.data.get("body") if form.is_bound else form.initial.get("body", "")
    context = {
        "section": "articles",
        "form": form,
        "article": article,
        "preview_html": render_markdown(body or ""),
        "has_categories": selectors.list_categories().exists(),
        "can_publish": request.agent.has_role(Role.LEAD),  # type: ignore[attr-defined]
    }
    return render(request, "helpcenter/articles/edit.html", context, status=400 if form.errors else 200)


@agent_required
def preview(request: HttpRequest) -> HttpResponse:
    """The editor's live preview (htmx): the same Markdown rendering and sanitising as the public page."""
    body = request.POST.get("body", "") if request.method == "POST" else ""
    return render(request, "helpcenter/articles/edit.html#preview", {"preview_html": render_markdown(body)})


@agent_required
@not_found_is_404
def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article(pk)
    context = {"section": "articles", "article": article, "revisions": selectors.list_revisions(article)}
    return render(request, "helpcenter/articles/revisions.html", context)


@agent_required
@not_found_is_404
def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    article = selectors.get_article(pk)
    revision = selectors.get_revision(article, number)
    context = {
        "section": "articles",
        "article": article,
        "revision": revision,
        "body_html": render_markdown(revision.body),
    }
    return render(request, "helpcenter/articles/revision.html", context)


@agent_required
def category_list(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_category(actor=agent, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Added the category “{created.name}”.")
            return redirect("helpcenter:categories")
    context = {
        "section": "articles",
        "form": form,
        "categories": selectors.list_categories(),
        "can_edit": agent.has_role(Role.LEAD),
    }
    return render(request, "helpcenter/articles/categories.html", context, status=400 if form.errors else 200)


@agent_required
def gap_report(request: HttpRequest) -> HttpResponse:
    """Leads: frequent recent topics that no article answers."""
    try:
        require_role(request.agent, Role.LEAD, "see the help center gap report")  # type: ignore[attr-defined]
    except Forbidden as error:
        return render(request, "accounts/denied.html", {"message": error.message, "section": "gaps"}, status=403)
    context = {"section": "gaps", "report": gaps.gap_report(), "days": gaps.DAYS}
    return render(request, "helpcenter/articles/gaps.html", context)


@agent_required
@not_found_is_404
def sidebar(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Suggested articles and similar solved conversations, loaded beside the conversation."""
    conversation = access_conversation(request.agent, conversation_id)  # type: ignore[attr-defined]
    context = {"conversation": conversation, "help": selectors.suggestions_for_conversation(conversation)}
    return render(request, "helpcenter/_sidebar.html", context)
