from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from unstuck.conversations.selectors import list_audit_events
from unstuck.core.decorators import agent_required
from unstuck.core.errors import DomainError

from . import selectors, services
from .forms import AgentForm, TokenForm
from .models import ApiToken, Role
from .permissions import require_role


@agent_required
def tokens(request: HttpRequest) -> HttpResponse:
    """Per-agent API tokens: the key is shown once, right after it is made."""
    agent = request.agent  # type: ignore[attr-defined]
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_key = services.issue_api_token(agent, name=form.cleaned_data["name"], actor=agent)
            form = TokenForm()
        except DomainError as error:
            form.add_error(None, error.message)
    context = {
        "form": form,
        "tokens": selectors.list_api_tokens(agent),
        "new_key": new_key,
        "section": "tokens",
    }
    return render(request, "accounts/tokens.html", context)


@agent_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id)
    try:
        services.revoke_api_token(token, actor=request.agent)  # type: ignore[attr-defined]
        messages.success(request, f"Revoked “{token.name}”. Integrations using it stop working now.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("settings:tokens")


@agent_required
def agents(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    form = AgentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            created = services.create_agent(
                username=data["username"],
                email=data["email"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=Role(data["role"]),
                teams=list(data["teams"]),
                actor=agent,
            )
            messages.success(request, f"{created} can now sign in as “{created.user.username}”.")
            return redirect("settings:agents")
        except DomainError as error:
            form.add_error(None, error.message)
    context = {
        "form": form,
        "agents": selectors.list_agents(),
        "section": "agents",
        "can_add": agent.has_role(Role.ADMIN),
    }
    return render(request, "accounts/agents.html", context)


@agent_required
def audit(request: HttpRequest) -> HttpResponse:
    try:
        require_role(request.agent, Role.LEAD, "read the audit trail")  # type: ignore[attr-defined]
    except DomainError as error:
        return render(request, "accounts/denied.html", {"message": error.message, "section": "audit"}, status=403)
    page = Paginator(list_audit_events(), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit.html", {"page": page, "section": "audit"})
