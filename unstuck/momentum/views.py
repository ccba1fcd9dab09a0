"""Momentum on the conversation page (drafts, scope checks, collaborators, calls), nudges, the lead's view,
and the SLA settings."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from unstuck.accounts.models import Agent, Role
from unstuck.accounts.permissions import require_role
from unstuck.conversations import selectors as conversation_selectors
from unstuck.conversations.forms import ReplyForm
from unstuck.conversations.models import Conversation
from unstuck.conversations.views.actions import run_action
from unstuck.conversations.views.detail import detail_context
from unstuck.core.decorators import agent_required
from unstuck.core.errors import DomainError

from . import selectors
from .drafting import draft_update
from .forms import (
    CalendarForm,
    CallForm,
    CallOutcomeForm,
    CollaboratorForm,
    EmptyForm,
    LevelPolicyForm,
    RoutingForm,
    ScopeFinishForm,
    ScopeStartForm,
    SideMessageForm,
)
from .models import Call, Collaborator
from .services import calls, collaborators, nudges, policies, scope


@agent_required
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The composer, filled with a drafted update and a suggested promise, for the agent to make their own."""
    agent = request.agent  # type: ignore[attr-defined]
    conversation = conversation_selectors.access_conversation(agent, pk)
    drafted = draft_update(conversation, agent=agent)
    initial: dict[str, object] = {"kind": "reply", "text": drafted.text}
    if drafted.promise_due:
        local = timezone.localtime(drafted.promise_due, selectors.desk_calendar().as_calendar().zone)
        initial.update(promise="custom", promise_at=local.strftime("%Y-%m-%dT%H:%M"))
    context = detail_context(request, conversation, reply_form=ReplyForm(initial=initial), draft_facts=drafted.facts)
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, "conversations/detail.html", context)
    return HttpResponse(render_to_string("conversations/detail.html#composer", context, request))


@agent_required
@require_POST
def scope_start(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
        check = scope.start_scope_check(conversation, actor=agent, minutes=data["minutes"])
        return conversation, f"Scope check started: {check.minutes} minutes"

    return run_action(request, pk, ScopeStartForm, action)


@agent_required
@require_POST
def scope_finish(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
        check = selectors.running_scope_check(conversation)
        if check is None:
            raise DomainError("no_scope_check", "No scope check is running here.")
        scope.finish_scope_check(
            check, finding=data["finding"], third_party=data["third_party"], direction=data["direction"], actor=agent
        )
        return conversation, "Finding recorded; the next drafted update includes it"

    return run_action(request, pk, ScopeFinishForm, action)


@agent_required
@require_POST
def collaborator_add(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
        added = collaborators.add_collaborator(
            conversation,
            actor=agent,
            agent=data["agent"],
            team=data["team"],
            vendor_name=data["vendor_name"],
            vendor_email=data["vendor_email"],
        )
        return conversation, f"{added} is helping; you stay the owner"

    return run_action(request, pk, CollaboratorForm, action)


@agent_required
@require_POST
def collaborator_remove(request: HttpRequest, pk: int, collaborator_id: int) -> HttpResponse:
    def action(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
        collaborator = get_object_or_404(Collaborator, pk=collaborator_id, conversation=conversation)
        collaborators.remove_collaborator(collaborator, actor=agent)
        return conversation, f"{collaborator} is no longer on this conversation"

    return run_action(request, pk, EmptyForm, action)


@agent_required
@require_POST
def side_post(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
        to = None
        if data.get("to"):
            to = Collaborator.objects.filter(pk=data["to"], conversation=conversation).first()
        collaborators.post_side_message(conversation, text=data["text"], actor=agent, to=to)
        return conversation, f"Sent to {to}" if to else "Posted in the side thread"

    return run_action(request, pk, SideMessageForm, action)


@agent_required
@require_POST
def call_log(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
        started = data["started_at"]
        if timezone.is_naive(started):
            started = started.replace(tzinfo=selectors.desk_calendar().as_calendar().zone)
        call = calls.log_call(
            conversation,
            started_at=started,
            duration_minutes=data["duration_minutes"],
            attendees=data["attendees"],
            outcome_kind=data.get("outcome_kind") or "",
            outcome=data.get("outcome") or "",
            outcome_owner=data.get("outcome_owner"),
            actor=agent,
        )
        return conversation, "Call logged" if not call.flagged else "Call logged without an outcome: it is flagged"

    return run_action(request, pk, CallForm, action)


@agent_required
@require_POST
def call_outcome(request: HttpRequest, pk: int, call_id: int) -> HttpResponse:
    def action(conversation: Conversation, data: dict, agent: Agent) -> tuple[Conversation, str]:
        call = get_object_or_404(Call, pk=call_id, conversation=conversation)
        calls.record_outcome(
            call,
            outcome_kind=data["outcome_kind"],
            outcome=data["outcome"],
            outcome_owner=data.get("outcome_owner"),
            actor=agent,
        )
        return conversation, "Outcome recorded"

    return run_action(request, pk, CallOutcomeForm, action)


@agent_required
def nudge_list(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    if request.method == "POST":
        nudges.mark_read(agent, nudge_id=int(request.POST["nudge"]) if request.POST.get("nudge") else None)
        return redirect("momentum:nudges")
    return render(request, "momentum/nudges.html", {"nudges": selectors.unread_nudges(agent), "section": "nudges"})


@agent_required
def lead_view(request: HttpRequest) -> HttpResponse:
    """Where momentum is slipping: overdue updates, flagged calls, broken promises, the felt-stuck share."""
    agent = request.agent  # type: ignore[attr-defined]
    if not agent.has_role(Role.LEAD):
        return render(request, "accounts/denied.html", {"action": "see the momentum view"}, status=403)
    now = timezone.now()
    stuck, total = selectors.felt_stuck_share(now - timedelta(days=30))
    overdue = list(selectors.overdue_for_lead(now)[:100])
    context = {
        "section": "momentum",
        "overdue": overdue,
        "flagged_calls": list(selectors.calls_without_outcome()[:50]),
        "broken_promises": list(selectors.recent_broken_promises()[:50]),
        "felt_stuck": stuck,
        "felt_total": total,
        "felt_share": round(100 * stuck / total) if total else 0,
        "now": now,
    }
    return render(request, "momentum/lead.html", context)


@agent_required
def sla_settings(request: HttpRequest) -> HttpResponse:
    """Targets per level, business hours and routing. Everyone can read them; leads change them."""
    agent = request.agent  # type: ignore[attr-defined]
    calendar = selectors.desk_calendar()
    routing = selectors.routing()
    forms_by_name = {
        "calendar": CalendarForm(
            initial={
                "tz": calendar.tz,
                "start": calendar.start,
                "end": calendar.end,
                "weekdays": calendar.weekdays or [0, 1, 2, 3, 4],
                "holidays": "\n".join(calendar.holidays or []),
            }
        ),
        "routing": RoutingForm(
            initial={"auto_assign": routing.auto_assign, "load_cap": routing.load_cap, "on_call": routing.on_call_id}
        ),
    }
    if request.method == "POST":
        which = request.POST.get("form", "")
        try:
            require_role(agent, Role.LEAD, "change the desk's targets")
            if which == "policy":
                form: forms.Form = LevelPolicyForm(request.POST)
                if not form.is_valid():
                    raise DomainError("invalid_target", _errors(form))
                policies.update_level_policy(**form.cleaned_data, actor=agent)
                messages.success(request, f"Level {form.cleaned_data['level']} targets saved; open clocks follow.")
            elif which == "calendar":
                form = forms_by_name["calendar"] = CalendarForm(request.POST)
                if not form.is_valid():
                    raise DomainError("invalid_calendar", _errors(form))
                policies.update_calendar(**form.cleaned_data, actor=agent)
                messages.success(request, "Business hours saved; open clocks follow.")
            elif which == "routing":
                form = forms_by_name["routing"] = RoutingForm(request.POST)
                if not form.is_valid():
                    raise DomainError("invalid_routing", _errors(form))
                policies.update_routing(**form.cleaned_data, actor=agent)
                messages.success(request, "Routing saved.")
            return redirect("momentum:sla")
        except DomainError as error:
            messages.error(request, error.message)
    context = {
        "section": "sla",
        "policies": selectors.level_policies(),
        "calendar_form": forms_by_name["calendar"],
        "routing_form": forms_by_name["routing"],
        "can_edit": agent.has_role(Role.LEAD),
    }
    return render(request, "momentum/sla.html", context)


def _errors(form: object) -> str:
    errors = getattr(form, "errors", {})
    return "; ".join(f"{field.replace('_', ' ')}: {' '.join(str(e) for e in errs)}" for field, errs in errors.items())
