"""Reads for the widget: who the visitor is, whether anyone is online, what they should see."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db.models import Q
from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Channel, Conversation, Message, MessageKind, Presence
from unstuck.core.errors import DomainError

from . import conf, expectation
from .models import Visitor

TOKEN_SALT = "unstuck.widget.visitor"


class BadToken(DomainError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__("invalid_visitor_token", "The visitor token is missing or was not issued by this desk.")


def visitor_key_from_token(token: str) -> uuid.UUID:
    """The visitor key inside a token this desk signed, or BadToken."""
    try:
        payload = signing.loads(token or "", salt=TOKEN_SALT)
        return uuid.UUID(str(payload["v"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise BadToken() from error


def find_visitor(key: uuid.UUID) -> Visitor | None:
    return Visitor.objects.select_related("conversation").filter(key=key).first()


def current_conversation(visitor: Visitor | None) -> Conversation | None:
    """The chat the widget shows; if an agent merged it into another, the one it lives on in."""
    conversation = visitor.conversation if visitor else None
    for _ in range(10):  # merge chains are short; the bound guards against a cycle
        if conversation is None or conversation.merged_into_id is None:
            break
        conversation = conversation.merged_into
    return conversation


def list_transcript(
    conversation: Conversation | None, *, after_id: int = 0, kinds: tuple[str, ...] = ()
) -> list[Message]:
    """What the visitor may read of their conversation: their messages and our replies, never notes."""
    if conversation is None:
        return []
    messages = Message.objects.filter(conversation=conversation, id__gt=after_id).select_related("author_agent__user")
    return list(messages.filter(kind__in=kinds or (MessageKind.INBOUND, MessageKind.OUTBOUND)).order_by("id"))


def message_payload(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "from": "agent" if message.kind == MessageKind.OUTBOUND else "visitor",
        "author": message.author_agent.first_name if message.author_agent else "",
        "text": message.text,
        "created_at": message.created_at.isoformat(),
    }


def current_conversation_id(key: uuid.UUID) -> int | None:
    conversation = current_conversation(find_visitor(key))
    return conversation.pk if conversation else None


def list_replies_after(conversation_id: int, last_id: int) -> list[dict[str, Any]]:
    """Replies newer than `last_id`: one indexed query, and no rows built when there is nothing new."""
    replies = Message.objects.filter(conversation_id=conversation_id, kind=MessageKind.OUTBOUND, id__gt=last_id)
    if not replies.exists():
        return []
    return [message_payload(m) for m in replies.select_related("author_agent__user").order_by("id")]


def list_online_agents(*, now: datetime | None = None) -> list[Agent]:
    """Available agents active lately: signed in, or with a conversation page open (presence heartbeat).

    There is no desk-wide agent heartbeat yet; the conversation page's presence is the best signal of
    someone at their desk, and a recent sign-in counts for the first minutes.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=conf.get_int("WIDGET_ONLINE_WINDOW_MINUTES"))
    present = Presence.objects.filter(last_seen__gte=cutoff).values("agent_id")
    agents = Agent.objects.filter(is_available=True).filter(Q(user__last_login__gte=cutoff) | Q(pk__in=present))
    return list(agents.select_related("user").distinct())


def typical_chat_reply(*, now: datetime, samples: int = 5) -> timedelta | None:
    """The median first-reply time of last month's chats, once there are enough of them to say."""
    rows = Conversation.objects.filter(
        channel=Channel.CHAT, created_at__gte=now - timedelta(days=30), first_replied_at__isnull=False
    ).values_list("created_at", "first_replied_at")[:500]
    waits = sorted(replied - created for created, replied in rows if replied is not None)
    return waits[len(waits) // 2] if len(waits) >= samples else None


@dataclass(frozen=True)
class Availability:
    online: bool
    agents: list[str]  # first names, for "Maya is here"
    headline: str  # "We usually reply in about 3 minutes"
    reply_by: datetime | None  # when offline: the promise for a new message, formatted by the browser

    def as_dict(self) -> dict[str, Any]:
        return {
            "online": self.online,
            "agents": self.agents,
            "headline": self.headline,
            "reply_by": self.reply_by.isoformat() if self.reply_by else None,
        }


def get_availability(*, now: datetime | None = None) -> Availability:
    """What the widget's header promises: live replies when someone is online, else the level target."""
    now = now or timezone.now()
    agents = list_online_agents(now=now)
    if agents:
        typical = typical_chat_reply(now=now)
        wait = expectation.minutes_phrase(typical) if typical else "a few minutes"
        return Availability(True, [a.first_name for a in agents[:3]], f"We usually reply in {wait}", None)
    due = expectation.untriaged_reply_due(now)
    return Availability(False, [], f"We usually reply {expectation.target_phrase(None)}", due)
