from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from unstuck.accounts.models import Team
from unstuck.accounts.selectors import list_agents
from unstuck.core.decorators import agent_required
from unstuck.core.errors import DomainError
from unstuck.core.htmx import render_page, toast
from unstuck.momentum import selectors as momentum_selectors
from unstuck.momentum.services.promises import resolve_promise
from unstuck.triage.selectors import latest_decision, level_set_by

from .. import policy, selectors, services
from ..forms import MergeForm, NextStepForm, OwnerForm, ReplyForm, StatusForm, TriageForm
from ..models import Conversation, Event, MessageKind, Status


def live_stamp(conversation: Conversation) -> str:
    """Changes when anything a viewer sees changes: a message, an event, a field."""
    last_event = Event.objects.filter(conversation=conversation).order_by("-id").values_list("id", flat=True).first()
    return f"{selectors.latest_message_id(conversation)}.{last_event or 0}.{conversation.updated_at.timestamp()}"


def detail_context(request: HttpRequest, conversation: Conversation, **extra: object) -> dict:
    agent = request.agent  # type: ignore[attr-defined]
    thread = list(selectors.list_thread(conversation))
    events = [e for e in selectors.list_events(conversation) if not e.kind.startswith(("message.", "reply.", "note."))]
    # At equal times an event reads first ("Conversation started by email", then the message).
    items = sorted(
        [("message", m.created_at, m) for m in thread] + [("event", e.created_at, e) for e in events],
        key=lambda item: (item[1], item[0] == "message"),
    )
    agents = list(list_agents())
    decision = latest_decision(conversation)
    context = {
        "conversation": conversation,
        "items": items,
        "inbound_count": sum(1 for m in thread if m.kind == MessageKind.INBOUND),
        "seen_message_id": thread[-1].pk if thread else 0,
        "agents": {a.pk: a for a in agents},
        "agent_list": agents,
        "teams": list(Team.objects.all()),
        "timeline": selectors.list_customer_timeline(conversation.customer),
        "presences": selectors.list_present_agents(conversation, exclude=agent),
        "cadence": policy.cadence_label(conversation.level),
        "momentum": momentum_selectors.conversation_momentum(conversation, agent),
        "triage_decision": decision,
        # Asked only when the panel has something to explain: the level differs from triage's latest reading.
        "level_set_by": level_set_by(conversation) if decision and decision.level != conversation.level else None,
        "stamp": live_stamp(conversation),
        "statuses": Status.choices,
        "reply_form": extra.pop("reply_form", None) or ReplyForm(initial={"kind": "reply"}),
        "owner_form": OwnerForm(initial={"owner": conversation.owner_id}),
        "next_step_form": NextStepForm(
            initial={"next_step": conversation.next_step, "next_step_by": conversation.next_step_by}
        ),
        "status_form": StatusForm(initial={"status": conversation.status}),
        "triage_form": TriageForm(
            initial={
                "level": conversation.level or policy.UNTRIAGED_LEVEL,
                "category": conversation.category_id,
                "temperature": conversation.temperature,
                "perceived_urgency": conversation.perceived_urgency or conversation.level or policy.UNTRIAGED_LEVEL,
            }
        ),
        "merge_form": MergeForm(),
        "merge_candidates": [
            c
            for c in selectors.list_customer_timeline(conversation.customer)
            if c.pk != conversation.pk and c.is_active
        ],
    }
    context.update(extra)
    return context


@agent_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """What is happening and what comes next: thread, owner, next step, due time, and the customer's timeline."""
    conversation = selectors.access_conversation(request.agent, pk)  # type: ignore[attr-defined]
    services.touch_presence(conversation, agent=request.agent)  # type: ignore[attr-defined]
    return render_page(request, "conversations/detail.html", detail_context(request, conversation))


@agent_required
@require_POST
def live(request: HttpRequest, pk: int) -> HttpResponse:
    """Heartbeat and live refresh: records presence, returns fresh fragments only when something changed."""
    conversation = selectors.access_conversation(request.agent, pk)  # type: ignore[attr-defined]
    services.touch_presence(conversation, agent=request.agent, state=request.POST.get("state", "viewing"))  # type: ignore[attr-defined]
    if request.POST.get("stamp") == live_stamp(conversation):
        # Nothing changed: only presence, without building the whole page's context every 4 s.
        quiet = {
            "conversation": conversation,
            "presences": selectors.list_present_agents(conversation, exclude=request.agent),  # type: ignore[attr-defined]
            "oob": True,
        }
        return HttpResponse(render_to_string("conversations/detail.html#presence", quiet, request))
    context = detail_context(request, conversation)
    context["oob"] = True
    parts = ["presence", "thread", "conv-header", "conv-side", "live"]
    html = "".join(render_to_string(f"conversations/detail.html#{p}", context, request) for p in parts)
    return HttpResponse(html)


@agent_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    """Reply or note. A reply that raced a new message is held and shown again with a warning."""
    agent = request.agent  # type: ignore[attr-defined]
    conversation = selectors.access_conversation(agent, pk)
    form = ReplyForm(request.POST)
    warning = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "note":
                services.add_note(conversation, text=data["text"], actor=agent)
            else:
                calendar = momentum_selectors.desk_calendar()
                promise_due = resolve_promise(
                    data.get("promise") or "", data.get("promise_at"), tz=calendar.tz, end=calendar.end
                )
                services.reply(
                    conversation,
                    text=data["text"],
                    actor=agent,
                    seen_message_id=data.get("seen_message_id"),
                    force=bool(data.get("force")),
                    next_step=data.get("next_step") or None,
                    promise_due=promise_due,
                )
            form = ReplyForm(initial={"kind": data["kind"]})
        except services.ReplyHeld as held:
            warning = held.message
            form = ReplyForm(initial={**data, "force": True})
        except DomainError as error:
            form.add_error(None, error.message)
    if not request.htmx:  # type: ignore[attr-defined]
        if warning or form.errors:
            messages.warning(request, warning or "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("conversations:detail", pk=pk)
    conversation = selectors.get_conversation(pk)
    context = detail_context(request, conversation, reply_form=form, composer_warning=warning, oob=True)
    html = render_to_string("conversations/detail.html#composer", {**context, "oob": False}, request)
    for part in ("thread", "conv-header", "conv-side", "live"):
        html += render_to_string(f"conversations/detail.html#{part}", context, request)
    response = HttpResponse(html)
    if not warning and not form.errors:
        toast(response, "Note added" if request.POST.get("kind") == "note" else "Reply sent")
    return response
