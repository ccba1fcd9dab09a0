"""Promises: a time the agent commits to in a reply. A promise kept matters more than a cadence met."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Conversation, Message
from unstuck.conversations.services.events import record_event
from unstuck.core.errors import DomainError

from ..models import Promise, PromiseStatus

MAX_AHEAD = timedelta(days=14)


def validate_promise(due: datetime, now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    if timezone.is_naive(due):
        raise DomainError("invalid_promise", "Give the promised time with its time zone.")
    if due <= now + timedelta(minutes=5):
        raise DomainError("promise_in_past", "Promise a time at least a few minutes from now.")
    if due > now + MAX_AHEAD:
        raise DomainError("promise_too_far", "Promise a time within the next two weeks; a shorter update beats none.")
    return due


def promise_sentence(due: datetime, tz: str, now: datetime | None = None) -> str:
    """'I'll write again by 3 pm.' in the desk's time zone, in words a customer reads at a glance."""
    zone = ZoneInfo(tz)
    local, today = due.astimezone(zone), (now or timezone.now()).astimezone(zone).date()
    hour = local.strftime("%I").lstrip("0") or "12"
    clock = f"{hour}{local.strftime(':%M') if local.minute else ''} {'am' if local.hour < 12 else 'pm'}"
    if local.date() == today:
        when = f"by {clock}"
    elif local.date() == today + timedelta(days=1):
        when = f"by {clock} tomorrow"
    elif local.date() < today + timedelta(days=7):
        when = f"by {clock} on {local.strftime('%A')}"
    else:
        when = f"by {clock} on {local.strftime('%A')} {local.day} {local.strftime('%B')}"
    return f"I'll write again {when}."


def settle_on_update(conversation: Conversation, now: datetime) -> None:
    """A person just wrote to the customer: pending promises due by now were kept (broken ones stay broken)."""
    pending = Promise.objects.filter(conversation=conversation, status=PromiseStatus.PENDING)
    for promise in pending:
        promise.status = PromiseStatus.KEPT if now <= promise.due_at else PromiseStatus.BROKEN
        promise.settled_at = now
        promise.save(update_fields=["status", "settled_at"])
        if promise.status == PromiseStatus.BROKEN:
            record_event(
                kind="promise.broken",
                actor=None,
                conversation=conversation,
                after={"due_at": promise.due_at.isoformat()},
            )
    conversation.promise_due = None


def make_promise(conversation: Conversation, *, due: datetime, message: Message, actor: Agent) -> Promise:
    promise = Promise.objects.create(conversation=conversation, message=message, made_by=actor, due_at=due)
    conversation.promise_due = due
    record_event(kind="promise.made", actor=actor, conversation=conversation, after={"due_at": due.isoformat()})
    return promise


PROMISE_CHOICES = [
    ("", "No promise"),
    ("1h", "In 1 hour"),
    ("2h", "In 2 hours"),
    ("4h", "In 4 hours"),
    ("eod", "By the end of the working day"),
    ("tomorrow", "Tomorrow morning"),
    ("custom", "Pick a time…"),
]


def resolve_promise(
    choice: str, custom: datetime | None, *, tz: str, end: time, now: datetime | None = None
) -> datetime | None:
    """Turn the composer's pick into an instant, in the desk's time zone; quarter-hours read better."""
    now = now or timezone.now()
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    if not choice:
        return None
    if choice == "custom":
        if custom is None:
            raise DomainError("promise_time_required", "Pick the time you promise to write again.")
        return custom if timezone.is_aware(custom) else custom.replace(tzinfo=zone)
    if choice.endswith("h") and choice[:-1].isdigit():
        due = local + timedelta(hours=int(choice[:-1]))
        return (due + timedelta(minutes=(15 - due.minute % 15) % 15)).replace(second=0, microsecond=0)
    if choice == "eod":
        due = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        return due if due > local + timedelta(minutes=30) else due + timedelta(days=1)
    if choice == "tomorrow":
        return (local + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    raise DomainError("invalid_promise", f"Unknown promise {choice!r}.")
