"""Reading the momentum state: the desk's policy, nudges, promises, calls and what a conversation needs next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Conversation, Message, MessageKind, Temperature, Trend
from unstuck.conversations.policy import DEFAULT_TARGETS, DeskPolicy, Target
from unstuck.core.memo import memo

from .models import (
    Call,
    Collaborator,
    DeskCalendar,
    LevelPolicy,
    Nudge,
    NudgeKind,
    Promise,
    PromiseStatus,
    Routing,
    ScopeCheck,
    SideMessage,
)


def desk_calendar() -> DeskCalendar:
    calendar = DeskCalendar.objects.order_by("pk").first()
    return calendar or DeskCalendar(weekdays=[0, 1, 2, 3, 4])


def level_policies() -> list[LevelPolicy]:
    """One row per level, the desk's own where a lead saved one, else the product defaults."""
    saved = {p.level: p for p in LevelPolicy.objects.all()}
    rows = []
    for level, default in DEFAULT_TARGETS.items():
        rows.append(
            saved.get(level)
            or LevelPolicy(
                level=level,
                first_reply_minutes=default.first_reply_minutes,
                update_minutes=default.update_minutes,
                resolution_minutes=default.resolution_minutes,
                business_hours=default.business_hours,
            )
        )
    return rows


@memo(seconds=10)
def desk_policy() -> DeskPolicy:
    """The desk's targets and calendar; every clock refresh needs them, so they are read once per 10 s."""
    targets = {
        p.level: Target(
            first_reply_minutes=p.first_reply_minutes,
            update_minutes=p.update_minutes,
            business_hours=p.business_hours,
            resolution_minutes=p.resolution_minutes,
        )
        for p in level_policies()
    }
    return DeskPolicy(targets=targets, calendar=desk_calendar().as_calendar())


desk_policy.watch(LevelPolicy, DeskCalendar)  # a lead's save; other processes follow within 10 s


@memo(seconds=10)
def routing() -> Routing:
    """The desk's assignment switch, cap and on-call agent: read for every conversation that arrives."""
    saved = Routing.objects.select_related("on_call__user").order_by("pk").first()
    return saved or Routing(auto_assign=settings.AUTO_ASSIGN_DEFAULT)


routing.watch(Routing)


@memo(seconds=10)
def available_agents() -> list[Agent]:
    """Agents who take new conversations; asked for each one that arrives, so remembered for 10 s.

    Saving an agent or user forgets it in this process; another process follows within 10 s.
    """
    return list(Agent.objects.filter(is_available=True, user__is_active=True).select_related("user").order_by("id"))


available_agents.watch(Agent, User)


def unread_nudges(agent: Agent) -> QuerySet[Nudge]:
    """Nudges still worth reading: about the deadline the conversation has now (a sent update retires them)."""
    current = Q(due_at=F("conversation__due_at")) | Q(kind__in=[NudgeKind.PROMISE_BROKEN, NudgeKind.SCOPE_CHECK])
    return (
        Nudge.objects.filter(current, agent=agent, read_at__isnull=True, conversation__is_active__in=[True])
        .select_related("conversation__customer")
        .order_by("due_at")
    )


def unread_nudge_count(agent: Agent) -> int:
    return unread_nudges(agent).count()


def running_scope_check(conversation: Conversation) -> ScopeCheck | None:
    return conversation.scope_checks.filter(finished_at__isnull=True).first()


def latest_scope_check(conversation: Conversation) -> ScopeCheck | None:
    return conversation.scope_checks.first()


def side_thread(conversation: Conversation) -> QuerySet[SideMessage]:
    return conversation.side_messages.select_related("author_agent__user", "collaborator")


def calls_without_outcome() -> QuerySet[Call]:
    return (
        Call.objects.filter(outcome_kind="", conversation__is_active__in=[True])
        .select_related("conversation", "logged_by__user")
        .order_by("-started_at")
    )


def recent_broken_promises() -> QuerySet[Promise]:
    return (
        Promise.objects.filter(status=PromiseStatus.BROKEN)
        .select_related("conversation", "made_by__user")
        .order_by("-due_at")
    )


def overdue_for_lead(now: datetime | None = None) -> QuerySet[Conversation]:
    """Open conversations whose update is overdue, most overdue first: what a lead looks at."""
    now = now or timezone.now()
    return (
        Conversation.objects.filter(is_active__in=[True], due_at__lt=now)
        .select_related("owner__user", "customer")
        .order_by("due_at")
    )


CLARIFYING = ("could you", "can you send", "can you share", "what do you mean", "which ", "do you mean", "could we")
STALL_MESSAGES = 6
LONG_SETUP_WORDS = 180
SETUP_TERMS = ("config", "api", "webhook", "integration", "server", "firewall", "dns", "sso", "version", "plugin")


def call_suggestion(conversation: Conversation) -> str | None:
    """Why a call could restore momentum now, or None. Calls are expensive: only when text has stalled."""
    if conversation.temperature == Temperature.HOT or (
        conversation.temperature == Temperature.WARM and conversation.temperature_trend == Trend.RISING
    ):
        return "The customer is upset and the temperature is rising: a short call may calm things faster."
    since = _last_progress_at(conversation)
    messages = list(
        Message.objects.filter(conversation=conversation, created_at__gt=since)
        .exclude(kind=MessageKind.NOTE)
        .only("kind", "text")
        .order_by("created_at")
    )
    if len(messages) >= STALL_MESSAGES:
        return f"{len(messages)} messages since the last change of status without progress: talk it through."
    questions = [m for m in messages if m.kind == MessageKind.OUTBOUND and any(c in m.text.lower() for c in CLARIFYING)]
    if len(questions) >= 2:
        return "We have asked the customer to clarify more than once: a call may settle it."
    for m in messages:
        long_setup = len(m.text.split()) >= LONG_SETUP_WORDS and sum(t in m.text.lower() for t in SETUP_TERMS) >= 2
        if m.kind == MessageKind.INBOUND and long_setup:
            return "The customer describes a long technical setup: a screen-share may be quicker than email."
    return None


def _last_progress_at(conversation: Conversation) -> datetime:
    from unstuck.conversations.models import Event

    last = (
        Event.objects.filter(conversation=conversation, kind__in=["status.changed", "call.logged"])
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return last or conversation.created_at - timedelta(seconds=1)


def agent_loads(agents: list[Agent]) -> dict[int, int]:
    counts = Conversation.objects.filter(owner__in=agents, is_active__in=[True]).values("owner").annotate(n=Count("id"))
    return {row["owner"]: row["n"] for row in counts}


def felt_stuck_share(since: datetime | None = None) -> tuple[int, int]:
    """(felt stuck, total) among conversations started since `since`: the desk's north-star number."""
    qs = Conversation.objects.all()
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    stats = qs.aggregate(total=Count("id"), stuck=Count("id", filter=Q(felt_stuck=True)))
    return stats["stuck"], stats["total"]


@dataclass
class ConversationMomentum:
    """Everything the conversation page shows about momentum, gathered in one place."""

    due_state: str  # "", "due_soon" or "overdue"
    stuck_seconds: int
    felt_stuck: bool
    promise: Promise | None
    broken_promises: int
    scope_check: ScopeCheck | None
    collaborators: list[Collaborator]
    side_messages: list[SideMessage]
    calls: list[Call]
    call_suggestion: str | None
    nudges: list[Nudge]
    overdue_by_cadence: bool = False
    resolution_due: datetime | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def resolution_overdue(self) -> bool:
        return self.resolution_due is not None and self.resolution_due < timezone.now()

    @property
    def flagged_calls(self) -> list[Call]:
        return [c for c in self.calls if c.flagged]


def due_state(conversation: Conversation, now: datetime) -> str:
    if conversation.due_at is None:
        return ""
    if conversation.due_at <= now:
        return "overdue"
    if conversation.due_at <= now + timedelta(minutes=15):
        return "due_soon"
    return ""


def conversation_momentum(conversation: Conversation, agent: Agent | None = None) -> ConversationMomentum:
    from unstuck.conversations import policy

    now = timezone.now()
    cadence = policy.cadence_minutes(conversation.level)
    return ConversationMomentum(
        due_state=due_state(conversation, now),
        stuck_seconds=policy.stuck_seconds_now(conversation, now),
        felt_stuck=conversation.felt_stuck or bool(conversation.due_at and conversation.due_at < now),
        promise=conversation.promises.filter(status=PromiseStatus.PENDING).first(),
        broken_promises=conversation.promises.filter(status=PromiseStatus.BROKEN).count(),
        scope_check=latest_scope_check(conversation),
        collaborators=list(conversation.collaborators.filter(active=True).select_related("agent__user", "team")),
        side_messages=list(side_thread(conversation)),
        calls=list(conversation.calls.select_related("logged_by__user", "outcome_owner__user")),
        call_suggestion=call_suggestion(conversation) if conversation.is_active_status else None,
        nudges=list(unread_nudges(agent).filter(conversation=conversation)) if agent else [],
        overdue_by_cadence=bool(cadence and conversation.due_at and conversation.due_at + cadence < now),
        resolution_due=conversation.resolution_due,
    )
