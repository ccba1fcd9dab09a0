"""Scope checks: neither reject nor blindly commit. Look for a fixed time, then say what you found."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Conversation
from unstuck.conversations.services.common import lock, require_owner_or_lead
from unstuck.conversations.services.events import record_event
from unstuck.core.errors import DomainError

from ..models import Finding, ScopeCheck

MIN_MINUTES, DEFAULT_MINUTES, MAX_MINUTES = 15, 20, 30


@transaction.atomic
def start_scope_check(conversation: Conversation, *, actor: Agent, minutes: int = DEFAULT_MINUTES) -> ScopeCheck:
    conversation = lock(conversation)
    require_owner_or_lead(conversation, actor, "start a scope check")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise DomainError("invalid_timebox", f"A scope check lasts {MIN_MINUTES} to {MAX_MINUTES} minutes.")
    if conversation.scope_checks.filter(finished_at__isnull=True).exists():
        raise DomainError("scope_check_running", "A scope check is already running here; finish it first.")
    now = timezone.now()
    check = ScopeCheck.objects.create(
        conversation=conversation,
        started_by=actor,
        started_at=now,
        minutes=minutes,
        ends_at=now + timedelta(minutes=minutes),
    )
    record_event(kind="scope_check.started", actor=actor, conversation=conversation, after={"minutes": minutes})
    return check


@transaction.atomic
def finish_scope_check(
    check: ScopeCheck, *, finding: str, direction: str, actor: Agent, third_party: str = ""
) -> ScopeCheck:
    """Close the timebox with a finding and a direction for the customer; the next draft carries both."""
    conversation = lock(check.conversation)
    require_owner_or_lead(conversation, actor, "record the scope check's finding")
    check = ScopeCheck.objects.select_for_update().get(pk=check.pk)
    if check.finished_at is not None:
        raise DomainError("scope_check_finished", "This scope check already has its finding.")
    if finding not in Finding.values:
        raise DomainError("invalid_finding", "Say where the problem lies: our product, a third party, custom, unclear.")
    direction = " ".join(direction.split())
    if not direction:
        raise DomainError(
            "direction_required", "Write a direction for the customer: even 'not caused by us' needs a next step."
        )
    third_party = " ".join(third_party.split())
    if finding == Finding.THIRD_PARTY and not third_party:
        raise DomainError("third_party_required", "Name the third party, so the customer knows where to look.")
    check.finding, check.third_party, check.direction = finding, third_party[:120], direction[:500]
    check.finished_at = timezone.now()
    check.save(update_fields=["finding", "third_party", "direction", "finished_at"])
    record_event(
        kind="scope_check.finished",
        actor=actor,
        conversation=conversation,
        after={"finding": check.finding_label, "direction": check.direction},
    )
    return check
