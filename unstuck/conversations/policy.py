"""Support targets per level (PRODUCT.md section 2) and the clocks derived from them.

The momentum engine will make these editable per desk; until then the defaults apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from unstuck.core.clock import DEFAULT_CALENDAR, BusinessCalendar, add_target

from .models import ACTIVE_STATUSES, Conversation, Level, Status

BUSINESS_DAY_MINUTES = 8 * 60


@dataclass(frozen=True)
class Target:
    first_reply_minutes: int
    update_minutes: int | None  # None: no update cadence (feedback)
    business_hours: bool


DEFAULT_TARGETS: dict[int, Target] = {
    Level.OUTAGE: Target(15, 30, business_hours=False),  # around the clock
    Level.MONEY: Target(60, 4 * 60, business_hours=False),
    Level.DEFECT: Target(4 * 60, BUSINESS_DAY_MINUTES, business_hours=True),
    Level.GUIDANCE: Target(BUSINESS_DAY_MINUTES, 2 * BUSINESS_DAY_MINUTES, business_hours=True),
    Level.FEEDBACK: Target(3 * BUSINESS_DAY_MINUTES, None, business_hours=True),
}
# Until triage places it, a conversation is held to the defect targets.
UNTRIAGED_LEVEL = Level.DEFECT


def effective_level(conversation: Conversation) -> int:
    return conversation.level or UNTRIAGED_LEVEL


def first_reply_level(conversation: Conversation) -> int:
    """The first-reply clock follows the more urgent of the true level and the customer's perceived urgency."""
    level = effective_level(conversation)
    return min(level, conversation.perceived_urgency or level)


def refresh_clocks(conversation: Conversation, *, calendar: BusinessCalendar = DEFAULT_CALENDAR) -> None:
    """Recompute first-reply, next-update and attention deadlines on the instance (the caller saves)."""
    first = DEFAULT_TARGETS[first_reply_level(conversation)]
    conversation.first_reply_due = add_target(
        conversation.created_at,
        first.first_reply_minutes,
        business_hours=first.business_hours,
        calendar=calendar,
    )
    conversation.next_update_due = next_update_due(conversation, calendar=calendar)
    if conversation.status not in ACTIVE_STATUSES or conversation.status == Status.WAITING_CUSTOMER:
        # The clock pauses while the customer has the next move, and stops once solved.
        conversation.due_at = None
    elif conversation.first_replied_at is None:
        conversation.due_at = conversation.first_reply_due
    else:
        conversation.due_at = conversation.next_update_due


def next_update_due(conversation: Conversation, *, calendar: BusinessCalendar = DEFAULT_CALENDAR) -> datetime | None:
    if conversation.first_replied_at is None or conversation.last_heard_at is None:
        return None
    if conversation.status not in (Status.OPEN, Status.WAITING_THIRD_PARTY):
        return None
    target = DEFAULT_TARGETS[effective_level(conversation)]
    if target.update_minutes is None:
        return None
    return add_target(
        conversation.last_heard_at,
        target.update_minutes,
        business_hours=target.business_hours,
        calendar=calendar,
    )


def cadence_label(level: int | None) -> str:
    target = DEFAULT_TARGETS[level or UNTRIAGED_LEVEL]
    if target.update_minutes is None:
        return "no update cadence"
    minutes = target.update_minutes
    if target.business_hours and minutes % BUSINESS_DAY_MINUTES == 0:
        days = minutes // BUSINESS_DAY_MINUTES
        return f"every {days} business day{'s' if days > 1 else ''}"
    return f"every {minutes // 60} h" if minutes >= 60 else f"every {minutes} min"


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
