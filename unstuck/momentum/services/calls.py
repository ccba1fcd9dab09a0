"""Calls: logged with who, when and how long, and closed with an outcome or flagged for the lead."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Conversation
from unstuck.conversations.services.common import lock, require_owner_or_lead
from unstuck.conversations.services.events import record_event
from unstuck.core.errors import DomainError

from ..models import Call, CallOutcome


def _check_outcome(outcome_kind: str, outcome: str, outcome_owner: Agent | None) -> str:
    if outcome_kind and outcome_kind not in CallOutcome.values:
        raise DomainError("invalid_outcome", "The outcome is a decision, a next step or a named owner.")
    outcome = " ".join(outcome.split())
    if outcome_kind and not outcome:
        raise DomainError("outcome_text_required", "Write the outcome in one sentence.")
    if outcome_kind == CallOutcome.OWNER and outcome_owner is None:
        raise DomainError("outcome_owner_required", "Name who owns the next action.")
    return outcome


@transaction.atomic
def log_call(
    conversation: Conversation,
    *,
    started_at: datetime,
    duration_minutes: int,
    attendees: str,
    actor: Agent,
    outcome_kind: str = "",
    outcome: str = "",
    outcome_owner: Agent | None = None,
) -> Call:
    conversation = lock(conversation)
    require_owner_or_lead(conversation, actor, "log a call")
    attendees = " ".join(attendees.split())
    if not attendees:
        raise DomainError("attendees_required", "Say who was on the call.")
    if not 1 <= duration_minutes <= 600:
        raise DomainError("invalid_duration", "A call lasts between 1 minute and 10 hours.")
    if started_at > timezone.now() + timedelta(minutes=5):
        raise DomainError("call_in_future", "Log a call once it has happened.")
    outcome = _check_outcome(outcome_kind, outcome, outcome_owner)
    call = Call.objects.create(
        conversation=conversation,
        logged_by=actor,
        started_at=started_at,
        duration_minutes=duration_minutes,
        attendees=attendees[:300],
        outcome_kind=outcome_kind,
        outcome=outcome[:500],
        outcome_owner=outcome_owner if outcome_kind == CallOutcome.OWNER else None,
    )
    record_event(
        kind="call.logged",
        actor=actor,
        conversation=conversation,
        after={"minutes": duration_minutes, "attendees": call.attendees, "outcome": call.outcome or None},
    )
    return call


@transaction.atomic
def record_outcome(
    call: Call, *, outcome_kind: str, outcome: str, actor: Agent, outcome_owner: Agent | None = None
) -> Call:
    """Close a flagged call with what it decided."""
    require_owner_or_lead(lock(call.conversation), actor, "record a call's outcome")
    if not outcome_kind:
        raise DomainError("outcome_required", "Pick the outcome: a decision, a next step or a named owner.")
    call.outcome = _check_outcome(outcome_kind, outcome, outcome_owner)[:500]
    call.outcome_kind = outcome_kind
    call.outcome_owner = outcome_owner if outcome_kind == CallOutcome.OWNER else None
    call.save(update_fields=["outcome_kind", "outcome", "outcome_owner", "updated_at"])
    record_event(kind="call.outcome", actor=actor, conversation=call.conversation, after={"outcome": call.outcome})
    return call
