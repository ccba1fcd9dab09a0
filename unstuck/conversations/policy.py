"""Support targets per level (PRODUCT.md section 2) and the clocks derived from them.

The desk's own targets and business calendar live in the momentum app (leads edit them); the defaults here
apply until a desk changes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from unstuck.core.clock import BusinessCalendar, add_target

from .models import ACTIVE_STATUSES, Conversation, Level, Status

BUSINESS_DAY_MINUTES = 8 * 60


@dataclass(frozen=True)
class Target:
    first_reply_minutes: int
    update_minutes: int | None  # None: no update cadence (feedback)
    business_hours: bool
    resolution_minutes: int | None = None


DEFAULT_TARGETS: dict[int, Target] = {
    Level.OUTAGE: Target(15, 30, business_hours=False, resolution_minutes=4 * 60),  # around the clock
    Level.MONEY: Target(60, 4 * 60, business_hours=False, resolution_minutes=24 * 60),
    Level.DEFECT: Target(
        4 * 60, BUSINESS_DAY_MINUTES, business_hours=True, resolution_minutes=10 * BUSINESS_DAY_MINUTES
    ),
    Level.GUIDANCE: Target(
        BUSINESS_DAY_MINUTES, 2 * BUSINESS_DAY_MINUTES, business_hours=True, resolution_minutes=5 * BUSINESS_DAY_MINUTES
    ),
    Level.FEEDBACK: Target(3 * BUSINESS_DAY_MINUTES, None, business_hours=True, resolution_minutes=None),
}
# Until triage places it, a conversation is held to the defect targets.
UNTRIAGED_LEVEL = Level.DEFECT


@dataclass(frozen=True)
class DeskPolicy:
    targets: dict[int, Target]
    calendar: BusinessCalendar

    def target(self, level: int | None) -> Target:
        return self.targets[level or UNTRIAGED_LEVEL]


def desk_policy() -> DeskPolicy:
    """The targets and calendar in force: what leads set under Settings → SLA policies."""
    from unstuck.momentum.selectors import desk_policy as load

    return load()


def effective_level(conversation: Conversation) -> int:
    return conversation.level or UNTRIAGED_LEVEL


def first_reply_level(conversation: Conversation) -> int:
    """The first-reply clock follows the more urgent of the true level and the customer's perceived urgency."""
    level = effective_level(conversation)
    return min(level, conversation.perceived_urgency or level)


def refresh_clocks(conversation: Conversation, *, desk: DeskPolicy | None = None, now: datetime | None = None) -> None:
    """Recompute first-reply, next-update, resolution and attention deadlines on the instance (the caller saves).

    Time already spent past the old deadline is banked as stuck time first, so changing a deadline never
    erases how long the customer waited.
    """
    desk = desk or desk_policy()
    now = now or timezone.now()
    settle_stuck_time(conversation, now)
    first = desk.target(first_reply_level(conversation))
    conversation.first_reply_due = add_target(
        conversation.created_at,
        first.first_reply_minutes,
        business_hours=first.business_hours,
        calendar=desk.calendar,
    )
    conversation.next_update_due = next_update_due(conversation, desk=desk)
    conversation.resolution_due = resolution_due(conversation, desk=desk)
    if conversation.status not in ACTIVE_STATUSES or conversation.status == Status.WAITING_CUSTOMER:
        # The clock pauses while the customer has the next move, and stops once solved.
        conversation.due_at = None
    elif conversation.first_replied_at is None:
        conversation.due_at = conversation.first_reply_due
    else:
        conversation.due_at = conversation.next_update_due


def settle_stuck_time(conversation: Conversation, now: datetime) -> None:
    """Bank the time past the current deadline (counted once, however often the clocks are recomputed)."""
    due = conversation.due_at
    if due is None or due >= now:
        return
    counted_from = max(due, conversation.stuck_counted_until or due)
    if now > counted_from:
        conversation.stuck_seconds += int((now - counted_from).total_seconds())
        conversation.stuck_counted_until = now
    conversation.felt_stuck = True


def stuck_seconds_now(conversation: Conversation, now: datetime | None = None) -> int:
    """Banked stuck time plus the stretch running right now, if the conversation is overdue."""
    now = now or timezone.now()
    total = conversation.stuck_seconds
    due = conversation.due_at
    if due is not None and due < now:
        counted_from = max(due, conversation.stuck_counted_until or due)
        total += max(0, int((now - counted_from).total_seconds()))
    return total


def next_update_due(conversation: Conversation, *, desk: DeskPolicy | None = None) -> datetime | None:
    """Cadence after the last update from a person here, or the agent's promise when that is sooner."""
    if conversation.first_replied_at is None or conversation.last_heard_at is None:
        return None
    if conversation.status not in (Status.OPEN, Status.WAITING_THIRD_PARTY):
        return None
    desk = desk or desk_policy()
    target = desk.target(conversation.level)
    cadence_due = None
    if target.update_minutes is not None:
        cadence_due = add_target(
            conversation.last_heard_at,
            target.update_minutes,
            business_hours=target.business_hours,
            calendar=desk.calendar,
        )
    promise = conversation.promise_due
    if promise is not None and (cadence_due is None or promise < cadence_due):
        return promise
    return cadence_due


def resolution_due(conversation: Conversation, *, desk: DeskPolicy | None = None) -> datetime | None:
    if conversation.status not in ACTIVE_STATUSES:
        return None
    desk = desk or desk_policy()
    target = desk.target(conversation.level)
    if target.resolution_minutes is None:
        return None
    return add_target(
        conversation.created_at,
        target.resolution_minutes,
        business_hours=target.business_hours,
        calendar=desk.calendar,
    )


def cadence_minutes(level: int | None, desk: DeskPolicy | None = None) -> timedelta | None:
    """One cadence as wall time (business cadences approximated by working hours per day); for 'overdue by
    more than one cadence'."""
    target = (desk or desk_policy()).target(level)
    if target.update_minutes is None:
        return None
    if target.business_hours:
        days, rest = divmod(target.update_minutes, BUSINESS_DAY_MINUTES)
        return timedelta(days=days, minutes=rest)
    return timedelta(minutes=target.update_minutes)


def minutes_label(minutes: int, business_hours: bool) -> str:
    if business_hours and minutes % BUSINESS_DAY_MINUTES == 0:
        days = minutes // BUSINESS_DAY_MINUTES
        return f"{days} business day{'s' if days > 1 else ''}"
    if minutes % 60 == 0:
        hours = minutes // 60
        unit = "business h" if business_hours else "h"
        return f"{hours} {unit}"
    return f"{minutes} min"


def cadence_label(level: int | None, desk: DeskPolicy | None = None) -> str:
    target = (desk or desk_policy()).target(level)
    if target.update_minutes is None:
        return "no update cadence"
    return f"every {minutes_label(target.update_minutes, target.business_hours)}"


# Which status may follow which. Closed is final: a new customer message starts a follow-up conversation.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {
        Status.OPEN,
        Status.WAITING_CUSTOMER,
        Status.WAITING_THIRD_PARTY,
        Status.SOLVED,
        Status.CLOSED,
    },
    Status.OPEN: {Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY, Status.SOLVED, Status.CLOSED},
    Status.WAITING_CUSTOMER: {Status.OPEN, Status.WAITING_THIRD_PARTY, Status.SOLVED, Status.CLOSED},
    Status.WAITING_THIRD_PARTY: {Status.OPEN, Status.WAITING_CUSTOMER, Status.SOLVED, Status.CLOSED},
    Status.SOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}
