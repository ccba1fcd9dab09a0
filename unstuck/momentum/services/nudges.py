"""Reading nudges: an agent dismisses one, or all of a conversation's once they act on it."""

from __future__ import annotations

from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Conversation

from ..models import Nudge


def mark_read(agent: Agent, *, conversation: Conversation | None = None, nudge_id: int | None = None) -> int:
    nudges = Nudge.objects.filter(agent=agent, read_at__isnull=True)
    if conversation is not None:
        nudges = nudges.filter(conversation=conversation)
    if nudge_id is not None:
        nudges = nudges.filter(pk=nudge_id)
    return nudges.update(read_at=timezone.now())
