"""Build the Fernhill demo desk from desk.json: agents, customers and 200 conversations with history.

Seeding writes history in the past, which no service allows (services stamp "now"), so rows are built
directly here and then passed through the same clock, counting and indexing code the services use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from unstuck.accounts.models import Agent, Role, Team
from unstuck.accounts.services import create_agent
from unstuck.conversations import policy
from unstuck.conversations.models import (
    Category,
    Conversation,
    DeliveryStatus,
    Event,
    Message,
    MessageKind,
    Status,
)
from unstuck.conversations.services.common import recount
from unstuck.customers.identities import normalize_identity
from unstuck.customers.models import Customer, Identity
from unstuck.customers.services import index_customer
from unstuck.search import engine

DESK_FILE = Path(__file__).with_name("desk.json")
DEMO_PASSWORD = "unstuck-demo"


@dataclass
class DemoLogin:
    username: str
    password: str
    role: str
    name: str


def load_desk(path: Path = DESK_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def seed_demo(desk: dict[str, Any] | None = None) -> list[DemoLogin]:
    desk = desk or load_desk()
    now = timezone.now()
    teams = {t["name"]: Team.objects.get_or_create(name=t["name"])[0] for t in desk["teams"]}
    agents: dict[str, Agent] = {}
    logins = []
    for a in desk["agents"]:
        agent = create_agent(
            username=a["username"],
            email=a["email"],
            password=DEMO_PASSWORD,
            first_name=a["first_name"],
            last_name=a["last_name"],
            role=Role(a["role"]),
            teams=[teams[name] for name in a.get("teams", [])],
            actor=None,
        )
        agents[a["username"]] = agent
        logins.append(DemoLogin(a["username"], DEMO_PASSWORD, a["role"], agent.display_name))
    categories = {
        c["name"]: Category.objects.create(name=c["name"], default_level=c.get("level")) for c in desk["categories"]
    }
    customers = {c["key"]: _customer(c) for c in desk["customers"]}
    for index, spec in enumerate(desk["conversations"]):
        scale = _fresh_scale(spec) if index % 3 else 1.0
        _conversation(spec, customers=customers, agents=agents, categories=categories, now=now, scale=scale)
    return logins


def _customer(spec: dict[str, Any]) -> Customer:
    customer = Customer.objects.create(name=spec["name"], company=spec.get("company") or "")
    for identity in spec["identities"]:
        kind = identity["kind"]
        Identity.objects.create(customer=customer, kind=kind, value=normalize_identity(kind, identity["value"]))
    index_customer(customer)
    return customer


def _conversation(
    spec: dict[str, Any],
    *,
    customers: dict[str, Customer],
    agents: dict[str, Agent],
    categories: dict[str, Category],
    now: Any,
    scale: float = 1.0,
) -> Conversation:
    messages = spec["messages"]
    started = now - timedelta(minutes=messages[0]["minutes_ago"] * scale)
    owner = agents.get(spec.get("owner") or "")
    conversation = Conversation.objects.create(
        subject=spec["subject"],
        customer=customers[spec["customer"]],
        channel=spec["channel"],
        status=spec["status"],
        level=spec["level"],
        category=categories.get(spec.get("category") or ""),
        owner=owner,
        next_step=spec.get("next_step") or "",
        temperature=spec.get("temperature", "calm"),
        temperature_trend="rising" if spec.get("temperature") == "hot" else "steady",
        perceived_urgency=spec.get("perceived_urgency"),
        created_at=started,
    )
    rows = []
    for m in messages:
        kind = {"customer": MessageKind.INBOUND, "reply": MessageKind.OUTBOUND, "note": MessageKind.NOTE}[m["kind"]]
        author = agents.get(m.get("author") or "") if kind != MessageKind.INBOUND else None
        rows.append(
            Message(
                conversation=conversation,
                kind=kind,
                channel=spec["channel"],
                author_agent=author or (owner if kind != MessageKind.INBOUND else None),
                author_customer=conversation.customer if kind == MessageKind.INBOUND else None,
                text=m["text"],
                delivery_status=DeliveryStatus.SENT if kind == MessageKind.OUTBOUND else "",
                created_at=now - timedelta(minutes=m["minutes_ago"] * scale),
            )
        )
    Message.objects.bulk_create(rows)
    recount(conversation)
    if conversation.status == Status.SOLVED:
        conversation.solved_at = conversation.last_message_at
    if conversation.status == Status.CLOSED:
        conversation.closed_at = conversation.last_message_at + timedelta(days=3)
    policy.refresh_clocks(conversation)
    conversation.save()
    _history(conversation, owner)
    engine.index("conversation", conversation.pk, title=conversation.subject, group_id=conversation.pk)
    engine.index_many(
        "message",
        [(m.pk, "Internal note" if m.kind == MessageKind.NOTE else "", m.text, conversation.pk) for m in rows],
    )
    return conversation


def _fresh_scale(spec: dict[str, Any]) -> float:
    """Most new conversations arrived recently enough to still be inside their first-reply target.

    The desk file's ages tell a story; a demo where every unanswered message is already late tells the
    wrong one, so two in three new conversations have their timeline compressed to fit the target.
    """
    if spec["status"] != Status.NEW:
        return 1.0
    level = min(spec["level"], spec.get("perceived_urgency") or spec["level"])
    allowed = policy.DEFAULT_TARGETS[level].first_reply_minutes * 0.6
    oldest = spec["messages"][0]["minutes_ago"]
    return min(1.0, allowed / oldest) if oldest else 1.0


def _history(conversation: Conversation, owner: Agent | None) -> None:
    """A plausible audit trail: created, then owned, then the status it reached."""
    events = [
        Event(
            kind="conversation.created",
            conversation=conversation,
            customer=conversation.customer,
            after={"channel": conversation.channel},
            created_at=conversation.created_at,
        )
    ]
    if owner is not None:
        when = conversation.first_replied_at or conversation.created_at + timedelta(minutes=5)
        events.append(
            Event(
                kind="owner.assigned",
                conversation=conversation,
                customer=conversation.customer,
                actor=owner,
                after={"owner": owner.pk},
                created_at=when,
            )
        )
    if conversation.status not in (Status.NEW, Status.OPEN):
        events.append(
            Event(
                kind="status.changed",
                conversation=conversation,
                customer=conversation.customer,
                actor=owner,
                before={"status": Status.OPEN},
                after={"status": conversation.status},
                created_at=conversation.last_message_at,
            )
        )
    Event.objects.bulk_create(events)


def demo_logins() -> list[DemoLogin]:
    """The demo desk's logins that still exist, to print at every start."""
    specs = {a["username"]: a for a in load_desk()["agents"]}
    found = Agent.objects.select_related("user").filter(user__username__in=specs)
    return [DemoLogin(a.user.username, DEMO_PASSWORD, a.role, a.display_name) for a in found]
