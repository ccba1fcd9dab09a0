from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from unstuck.accounts.models import Agent

from ..models import Conversation, Presence, PresenceState


def touch_presence(conversation: Conversation, *, agent: Agent, state: str = PresenceState.VIEWING) -> Presence:
    """Heartbeat from an agent's open conversation page; stale rows simply expire."""
    if state not in PresenceState.values:
        state = PresenceState.VIEWING
    presence, _ = Presence.objects.update_or_create(
        conversation=conversation, agent=agent, defaults={"state": state, "last_seen": timezone.now()}
    )
    return presence


def leave(conversation: Conversation, *, agent: Agent) -> None:
    Presence.objects.filter(conversation=conversation, agent=agent).delete()


def prune_presence() -> int:
    cutoff = timezone.now() - timedelta(seconds=settings.PRESENCE_TTL_SECONDS * 3)
    deleted, _ = Presence.objects.filter(last_seen__lt=cutoff).delete()
    return deleted
