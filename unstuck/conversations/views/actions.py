"""Field edits from the conversation page. Each validates the form, calls one service, and answers
with fresh header and sidebar fragments (htmx) or a redirect (no JavaScript)."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from unstuck.accounts.models import Agent
from unstuck.core.decorators import agent_required
from unstuck.core.errors import DomainError
from unstuck.core.htmx import toast

from .. import selectors, services
from ..forms import MergeForm, NextStepForm, OwnerForm, StatusForm, TriageForm
from ..models import Conversation
from .detail import detail_context

Action = Callable[[Conversation, dict, Agent], tuple[Conversation, str]]


def run_action(request: HttpRequest, pk: int, form_class: type[forms.Form], action: Action) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    conversation = selectors.access_conversation(agent, pk)
    form = form_class(request.POST)
    error, done = None, ""
    if form.is_valid():
        try:
            conversation, done = action(conversation, form.cleaned_data, agent)
        except DomainError as exc:
            error = exc.message
    else:
        error = "; ".join(f"{field}: {' '.join(str(e) for e in errs)}" for field, errs in form.errors.items())
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        elif done:
            messages.success(request, done)
        target = conversation.pk if conversation.pk else pk
        return redirect("conversations:detail", pk=target)
    conversation = selectors.get_conversation(conversation.pk)
    context = detail_context(request, conversation, action_error=error, oob=True)
    html = "".join(
        render_to_string(f"conversations/detail.html#{part}", context, request)
        for part in ("conv-header", "conv-side", "thread", "live")
    )
    response = HttpResponse(html)
    if error:
        return toast(response, error, "error")
    return toast(response, done) if done else response


def _owner(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
    conversation = services.assign_owner(conversation, to_agent=data["owner"], actor=agent, note=data.get("note", ""))
    return conversation, f"{data['owner']} now owns this conversation"


def _next_step(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
    conversation = services.set_next_step(conversation, text=data["next_step"], by=data["next_step_by"], actor=agent)
    return conversation, "Next step saved"


def _status(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
    conversation = services.change_status(conversation, status=data["status"], actor=agent)
    return conversation, f"Status: {conversation.get_status_display()}"


def _triage(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
    changes = {
        "level": data["level"],
        "category": data["category"].name if data.get("category") else None,
        "temperature": data["temperature"],
        "perceived_urgency": data["perceived_urgency"],
    }
    return services.update_conversation(conversation, changes=changes, actor=agent), "Triage updated"


def _merge(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
    into = selectors.access_conversation(agent, data["into"])
    merged = services.merge_conversations(conversation, into=into, actor=agent)
    return merged, f"Merged #{conversation.pk} into #{merged.pk}"


class SplitForm(forms.Form):
    message = forms.IntegerField(min_value=1)


def _split(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
    message = selectors.get_message(data["message"])
    if message.conversation_id != conversation.pk:
        raise DomainError("wrong_conversation", "That message belongs to another conversation.")
    new = services.split_message(message, actor=agent)
    return new, f"Split into #{new.pk}"


def _view(form_class: type[forms.Form], action: Action) -> Callable[[HttpRequest, int], HttpResponse]:
    @agent_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return run_action(request, pk, form_class, action)

    return view


change_owner = _view(OwnerForm, _owner)
next_step = _view(NextStepForm, _next_step)
change_status = _view(StatusForm, _status)
change_triage = _view(TriageForm, _triage)
merge = _view(MergeForm, _merge)
split = _view(SplitForm, _split)
