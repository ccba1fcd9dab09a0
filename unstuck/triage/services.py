"""Triage actions: place an inbound message on the hierarchy and learn from agents' corrections."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unstuck.accounts.models import Agent
    from unstuck.conversations.models import Conversation, Message


def triage_inbound(message: Message) -> None:
    """Called by receive_message, inside its transaction, for every customer message on any channel."""


def record_correction(*, conversation: Conversation, field: str, before: object, after: object, actor: Agent) -> None:
    """Called when an agent changes level, category, temperature or perceived urgency: a training label."""
