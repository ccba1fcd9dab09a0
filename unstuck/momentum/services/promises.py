"""Promises: a time the agent commits to in a reply. A promise kept matters more than a cadence met."""

from __future__ import annotations

from datetime import datetime, timedelta
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
