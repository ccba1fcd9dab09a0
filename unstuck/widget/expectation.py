"""Honest reply promises in the customer's words, derived from the level targets in conversations.policy."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from unstuck.conversations import policy
from unstuck.conversations.models import Conversation
from unstuck.core.clock import DEFAULT_CALENDAR, add_target


def target_phrase(level: int | None) -> str:
    """'within 4 business hours', 'within 15 minutes': the first-reply target of a level."""
    target = policy.DEFAULT_TARGETS[level or policy.UNTRIAGED_LEVEL]
    minutes = target.first_reply_minutes
    business = " business" if target.business_hours else ""
    if target.business_hours and minutes % policy.BUSINESS_DAY_MINUTES == 0:
        days = minutes // policy.BUSINESS_DAY_MINUTES
        return f"within {days} business day{'s' if days > 1 else ''}"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"within {hours}{business} hour{'s' if hours > 1 else ''}"
    return f"within {minutes}{business} minutes"


def due_phrase(due: datetime, *, now: datetime, tz: str = DEFAULT_CALENDAR.tz) -> str:
    """'today by 14:30', 'tomorrow by 10:00', 'by Tuesday 10:00', 'by 12 March, 10:00' in the desk's zone."""
    zone = ZoneInfo(tz)
    local_due, local_now = due.astimezone(zone), now.astimezone(zone)
    clock = f"{local_due:%H:%M}"
    days = (local_due.date() - local_now.date()).days
    if due <= now:
        return "as soon as possible"
    if days == 0:
        return f"today by {clock}"
    if days == 1:
        return f"tomorrow by {clock}"
    if days < 7:
        return f"by {local_due:%A} {clock}"
    return f"by {local_due.day} {local_due:%B}, {clock}"


def first_reply_due(conversation: Conversation) -> datetime:
    """When we promised the first reply: the stored clock, or the level target from the first message."""
    if conversation.first_reply_due is not None:
        return conversation.first_reply_due
    target = policy.DEFAULT_TARGETS[policy.first_reply_level(conversation)]
    return add_target(
        conversation.created_at,
        target.first_reply_minutes,
        business_hours=target.business_hours,
        calendar=DEFAULT_CALENDAR,
    )


def untriaged_reply_due(now: datetime) -> datetime:
    """The promise for a message not yet written: the untriaged level's first-reply target from now."""
    target = policy.DEFAULT_TARGETS[policy.UNTRIAGED_LEVEL]
    return add_target(now, target.first_reply_minutes, business_hours=target.business_hours, calendar=DEFAULT_CALENDAR)


def minutes_phrase(delta: timedelta) -> str:
    """'about 3 minutes', 'about 1 hour': a measured typical wait, rounded for people."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"about {minutes} minute{'s' if minutes > 1 else ''}"
    hours = round(minutes / 60)
    return f"about {hours} hour{'s' if hours > 1 else ''}"
