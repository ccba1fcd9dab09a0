"""Automatic assignment: every triaged conversation gets one owner without anyone having to grab it."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Conversation, Level
from unstuck.conversations.services.events import record_event

from .. import selectors
from ..models import RoundRobin

logger = logging.getLogger(__name__)


def first_name(agent: Agent) -> str:
    return agent.user.first_name or agent.user.username


def pick_owner(conversation: Conversation) -> Agent | None:
    """Level 1 goes to the on-call agent; otherwise whoever of the right team waited longest, under the cap."""
    routing = selectors.routing()
    if conversation.level == Level.OUTAGE and routing.on_call_id:
        return routing.on_call
    agents = selectors.available_agents()
    if agents and conversation.team_id:
        members = set(Agent.objects.filter(teams=conversation.team_id).values_list("pk", flat=True))
        agents = [a for a in agents if a.pk in members]
    if not agents:
        return None
    loads = selectors.agent_loads(agents)
    under_cap = [a for a in agents if loads.get(a.pk, 0) < routing.load_cap]
    if not under_cap:
        return None
    last = dict(RoundRobin.objects.filter(agent__in=under_cap).values_list("agent_id", "last_assigned_at"))
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    return min(under_cap, key=lambda a: (last.get(a.pk) or epoch, loads.get(a.pk, 0), a.pk))


@transaction.atomic
def auto_assign(conversation: Conversation) -> Agent | None:
    """Give an unowned, triaged conversation an owner and a first next step; None when nobody can take it."""
    if conversation.owner_id is not None or not conversation.is_active_status:
        return None
    if not selectors.routing().auto_assign:
        return None
    owner = pick_owner(conversation)
    if owner is None:
        return None
    now = timezone.now()
    updated = Conversation.objects.filter(pk=conversation.pk, owner__isnull=True).update(
        owner=owner,
        next_step=F("next_step") if conversation.next_step else f"{first_name(owner)} sends the first reply",
        updated_at=now,
    )
    if not updated:  # someone took it meanwhile
        return None
    conversation.refresh_from_db(fields=["owner", "next_step"])
    RoundRobin.objects.update_or_create(agent=owner, defaults={"last_assigned_at": now})
    record_event(
        kind="owner.assigned",
        actor=None,
        conversation=conversation,
        after={"owner": owner.pk, "how": "on call" if conversation.level == Level.OUTAGE else "round robin"},
    )
    return owner
