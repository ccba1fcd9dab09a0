from django.conf import settings
from django.http import HttpRequest, HttpResponse

from unstuck.core.decorators import agent_required
from unstuck.core.errors import DomainError
from unstuck.core.htmx import render_page

from .. import selectors
from ..forms import InboxFilterForm


@agent_required
def inbox(request: HttpRequest) -> HttpResponse:
    """What needs me next: conversations of one view, earliest due first."""
    view = request.GET.get("view") or "open"
    if view not in selectors.INBOX_VIEWS:
        view = "open"
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.InboxFilters(
        view=view,
        level=data.get("level") or None,
        status=data.get("status") or None,
        owner_id=data["owner"].pk if data.get("owner") else None,
        channel=data.get("channel") or None,
        category_id=data["category"].pk if data.get("category") else None,
        overdue=bool(data.get("overdue")),
        temperature=data.get("temperature") or None,
        urgent=bool(data.get("urgent")),
        burst=bool(data.get("burst")),
    )
    qs = selectors.list_conversations(request.agent, filters)  # type: ignore[attr-defined]
    try:
        page = selectors.paginate_by_attention(qs, cursor=request.GET.get("cursor"), size=settings.INBOX_PAGE_SIZE)
    except DomainError:
        page = selectors.paginate_by_attention(qs, cursor=None, size=settings.INBOX_PAGE_SIZE)
    params = request.GET.copy()
    params.pop("cursor", None)
    from unstuck.triage.selectors import latest_decisions

    context = {
        "decisions": latest_decisions([c.pk for c in page.items]),
        "view": view,
        "view_title": selectors.INBOX_VIEWS[view],
        "views": selectors.INBOX_VIEWS,
        "form": form,
        "page": page,
        "is_first_page": not request.GET.get("cursor"),
        "query_string": params.urlencode(),
        "active_level": filters.level,
    }
    return render_page(request, "conversations/inbox.html", context, partial="inbox-list")


@agent_required
def search(request: HttpRequest) -> HttpResponse:
    """Global search over conversations, messages and customers."""
    query = (request.GET.get("q") or "").strip()[:200]
    results = selectors.search_everything(query) if query else None
    return render_page(request, "conversations/search.html", {"q": query, "results": results}, partial="results")
