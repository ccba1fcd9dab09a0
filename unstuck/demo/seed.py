"""Build the Fernhill demo desk from desk.json: agents, customers and 200 conversations with history.

Seeding writes history in the past, which no service allows (services stamp "now"), so rows are built
directly here and then passed through the same clock, counting, triage and indexing code the services use.
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
from unstuck.conversations.services.events import fields_for_event, record_event
from unstuck.customers.identities import normalize_identity
from unstuck.customers.models import Customer, Identity
from unstuck.customers.services import index_customer
from unstuck.momentum.models import (
    Call,
    CallOutcome,
    Collaborator,
    CollaboratorKind,
    Finding,
    Promise,
    Routing,
    ScopeCheck,
    SideMessage,
)
from unstuck.search import engine
from unstuck.triage.models import ModelKind
from unstuck.triage.services.inbound import triage_inbound
from unstuck.triage.services.learning import retrain_after_commit, store_label

DESK_FILE = Path(__file__).with_name("desk.json")
DEMO_PASSWORD = "unstuck-demo"
CORRECTION_EVENTS = {"level": "level.changed", "category": "category.changed", "temperature": "temperature.changed"}


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
    by_subject = {}
    for index, spec in enumerate(desk["conversations"]):
        scale = _fresh_scale(spec) if index % 3 else 1.0
        conversation = _conversation(
            spec, customers=customers, agents=agents, categories=categories, now=now, scale=scale
        )
        by_subject[conversation.subject] = conversation
    _momentum(by_subject, agents, teams, now)
    for kind in (ModelKind.HIERARCHY, ModelKind.CATEGORY):
        retrain_after_commit(kind)  # the agents' corrections above are labels: the worker learns from them
    from unstuck.helpcenter.loader import load_demo_articles

    load_demo_articles()
    return logins


def _momentum(by_subject: dict[str, Conversation], agents: dict[str, Agent], teams: dict[str, Team], now: Any) -> None:
    """A promise, scope checks, a vendor side thread and calls, so every momentum tool has something to show."""
    if not {"iris", "kwame", "sofia"} <= agents.keys():  # a smaller desk file, as in the tests
        return
    iris, kwame, sofia = agents["iris"], agents["kwame"], agents["sofia"]
    Routing.objects.create(auto_assign=True, load_cap=25, on_call=kwame)
    # A promise on a money conversation that is still inside its cadence, so the promise is what is due.
    promised = next(
        (
            c
            for c in by_subject.values()
            if c.owner_id == iris.pk and c.level == 2 and c.due_at and c.due_at > now + timedelta(minutes=90)
        ),
        None,
    )
    if promised is not None:
        due = now + timedelta(minutes=50)
        Promise.objects.create(conversation=promised, made_by=iris, due_at=due, created_at=now - timedelta(hours=1))
        promised.promise_due = due
        _save_clocks(promised)
    feed = by_subject.get("Harbour Bank feed not connecting")
    if feed is not None:
        ScopeCheck.objects.create(
            conversation=feed,
            started_by=kwame,
            started_at=now - timedelta(hours=26),
            minutes=20,
            ends_at=now - timedelta(hours=25, minutes=40),
            finding=Finding.THIRD_PARTY,
            third_party="Harbour Bank",
            direction="Harbour Bank is rotating its API keys; reconnecting after Thursday picks up the new ones",
            finished_at=now - timedelta(hours=25, minutes=42),
        )
        vendor = Collaborator.objects.create(
            conversation=feed,
            kind=CollaboratorKind.VENDOR,
            vendor_name="Harbour Bank API support",
            vendor_email="api-support@harbourbank.example",
            added_by=kwame,
        )
        SideMessage.objects.create(
            conversation=feed,
            collaborator=vendor,
            author_agent=kwame,
            text="Hi, our customers get 'consent expired' on reconnect since Monday. Is this the key rotation?",
            delivery_status="sent",
            created_at=now - timedelta(hours=25),
        )
        SideMessage.objects.create(
            conversation=feed,
            collaborator=vendor,
            from_vendor=True,
            text="Yes, rotation finishes Thursday 18:00 UTC. Reconnects after that will work.",
            created_at=now - timedelta(hours=4),
        )
    ledgerly = by_subject.get("Feed stuck - Ledgerly error")
    if ledgerly is not None:
        ScopeCheck.objects.create(
            conversation=ledgerly,
            started_by=kwame,
            started_at=now - timedelta(minutes=8),
            minutes=20,
            ends_at=now + timedelta(minutes=12),
        )
    refund = by_subject.get("Customer says our refund never arrived")
    if refund is not None:
        Collaborator.objects.create(conversation=refund, kind=CollaboratorKind.AGENT, agent=kwame, added_by=iris)
        Collaborator.objects.create(
            conversation=refund, kind=CollaboratorKind.TEAM, team=teams.get("Billing"), added_by=iris
        )
    spam = by_subject.get("Invoices landing in big client's spam")
    if spam is not None:
        Call.objects.create(
            conversation=spam,
            logged_by=sofia,
            started_at=now - timedelta(hours=3),
            duration_minutes=25,
            attendees="Sofia, the customer's IT admin",
        )
    payout = by_subject.get("Payout smaller than expected")
    if payout is not None:
        Call.objects.create(
            conversation=payout,
            logged_by=iris,
            started_at=now - timedelta(days=1),
            duration_minutes=15,
            attendees="Iris, the customer",
            outcome_kind=CallOutcome.DECISION,
            outcome="We show the fee breakdown per payout; Iris sends the statement today",
        )


def _save_clocks(conversation: Conversation) -> None:
    policy.refresh_clocks(conversation)
    conversation.save()


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
    # Level, category, temperature and the customer's urgency are left to triage, which reads each customer
    # message below as it would have on arrival; the desk's own judgement then comes in as agents' corrections.
    conversation = Conversation.objects.create(
        subject=spec["subject"],
        customer=customers[spec["customer"]],
        channel=spec["channel"],
        status=spec["status"],
        owner=owner,
        next_step=spec.get("next_step") or "",
        created_at=started,
    )
    rows = []
    for m in messages:
        kind = {"customer": MessageKind.INBOUND, "reply": MessageKind.OUTBOUND, "note": MessageKind.NOTE}[m["kind"]]
        author = agents.get(m.get("author") or "") if kind != MessageKind.INBOUND else None
        message = Message.objects.create(
            conversation=conversation,
            kind=kind,
            channel=spec["channel"],
            author_agent=author or (owner if kind != MessageKind.INBOUND else None),
            author_customer=conversation.customer if kind == MessageKind.INBOUND else None,
            text=m["text"],
            delivery_status=DeliveryStatus.SENT if kind == MessageKind.OUTBOUND else "",
            created_at=now - timedelta(minutes=m["minutes_ago"] * scale),
        )
        rows.append(message)
        if kind == MessageKind.INBOUND:
            recount(conversation)  # the conversation as it stood when this message arrived
            triage_inbound(message, new_conversation=len(rows) == 1, now=message.created_at)
    _agents_triage(
        conversation,
        {
            "level": spec["level"],
            "category": categories.get(spec.get("category") or ""),
            "temperature": spec.get("temperature", "calm"),
        },
        agent=owner or next(a for a in agents.values() if a.role in (Role.LEAD, Role.ADMIN)),
        at=min(started + timedelta(minutes=3), now),
    )
    recount(conversation)
    # Triage saved the clocks as of today on the half-built conversation; they start afresh on the whole history.
    conversation.due_at, conversation.stuck_counted_until = None, None
    conversation.stuck_seconds, conversation.felt_stuck = 0, False
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


def _agents_triage(conversation: Conversation, judged: dict[str, Any], *, agent: Agent, at: Any) -> None:
    """Where the desk judged a field differently from triage, an agent corrected it on first reading, as in the
    workspace. Each correction is an event and a label, as services.fields records them; the retraining they
    call for is asked for once, after seeding (seed_demo), rather than once per label."""
    for field, value in judged.items():
        before = getattr(conversation, field)
        if value is None or before == value:
            continue
        setattr(conversation, field, value)
        record_event(
            kind=CORRECTION_EVENTS[field],
            actor=agent,
            conversation=conversation,
            before=fields_for_event({field: before}),
            after=fields_for_event({field: value}),
            at=at,
        )
        store_label(conversation=conversation, field=field, before=before, after=value, actor=agent)


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
