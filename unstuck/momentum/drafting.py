"""Drafted updates: a short, specific message built from the conversation's own facts.

It says what happened since the customer last heard from us, who is doing what, and what comes next, in
the owner's voice. No stock phrases: the agent reads it, makes it theirs and sends it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations import policy
from unstuck.conversations.models import Conversation, Message, MessageKind, NextStepBy
from unstuck.core.clock import add_target

from .models import Collaborator, CollaboratorKind, Finding, ScopeCheck, SideMessage


@dataclass(frozen=True)
class Draft:
    text: str
    promise_due: datetime | None  # a suggested "I'll write again by …" for the composer
    facts: list[str]  # what the draft was built from, shown beside it


def _first_name(value: str) -> str:
    return value.split()[0] if value.strip() else ""


def _first_sentence(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def _since(last: datetime | None, now: datetime) -> str:
    if last is None:
        return "since you wrote"
    gap = now - last
    if gap < timedelta(hours=20):
        return "since my last message"
    if gap < timedelta(days=2):
        return "since I wrote yesterday"
    return f"since I wrote on {timezone.localtime(last).strftime('%A')}"


def _scope_sentence(check: ScopeCheck) -> str:
    if check.finding == Finding.OUR_PRODUCT:
        found = "I looked into where this comes from, and it is on our side."
    elif check.finding == Finding.THIRD_PARTY:
        found = f"I looked into where this comes from: it starts at {check.third_party}, not in our product."
    elif check.finding == Finding.CUSTOM:
        found = "I looked into where this comes from: it is in the custom part of your setup, not in our product."
    else:
        found = "I looked into where this comes from, and it is not clear yet."
    direction = check.direction.rstrip(".") + "."
    return f"{found} {direction[:1].upper()}{direction[1:]}"


def _collaborator_sentence(collaborator: Collaborator, latest: SideMessage | None) -> str:
    who = (
        f"our {collaborator.team.name} team"
        if collaborator.kind == CollaboratorKind.TEAM and collaborator.team
        else (collaborator.vendor_name or "the vendor")
        if collaborator.kind == CollaboratorKind.VENDOR
        else (collaborator.agent.user.first_name if collaborator.agent else "a colleague")
    )
    if latest is not None and latest.collaborator_id == collaborator.pk and latest.author_agent_id is None:
        return f"I'm working on it with {who}; their latest word: {_first_sentence(latest.text)}"
    return f"I've brought in {who} to help, and I'm staying on it with them."


def draft_update(conversation: Conversation, *, agent: Agent, now: datetime | None = None) -> Draft:
    now = now or timezone.now()
    facts: list[str] = []
    customer = _first_name(conversation.customer.name) if conversation.customer.name else ""
    lines = [f"Hi {customer}," if customer else "Hello,"]
    topic = conversation.subject.rstrip(".?!")
    lines.append(f"An update on “{topic}” {_since(conversation.last_heard_at, now)}.")

    body: list[str] = []
    last_heard = conversation.last_heard_at or conversation.created_at
    note = (
        Message.objects.filter(conversation=conversation, kind=MessageKind.NOTE, created_at__gt=last_heard)
        .order_by("-created_at")
        .first()
    )
    if note is not None:
        body.append(f"Where things stand: {_first_sentence(note.text)}")
        facts.append("the latest internal note (check nothing internal slips through)")
    check = conversation.scope_checks.exclude(finished_at=None).filter(finished_at__gt=last_heard).first()
    if check is not None:
        body.append(_scope_sentence(check))
        facts.append(f"the scope check's finding: {check.finding_label}")
    latest_side = conversation.side_messages.order_by("-created_at").first()
    for collaborator in conversation.collaborators.filter(active=True).select_related("team", "agent__user"):
        body.append(_collaborator_sentence(collaborator, latest_side))
        facts.append(f"collaborator: {collaborator}")
    if not body:
        body.append("I haven't got news to share yet, and I didn't want you to wonder whether anyone is on it.")
        facts.append("no progress recorded since the last update")
    lines.append(" ".join(body))

    if conversation.next_step:
        step = conversation.next_step.rstrip(".")
        who = {
            NextStepBy.US: "Next, on our side: ",
            NextStepBy.CUSTOMER: "What would help from you: ",
            NextStepBy.THIRD_PARTY: "What we are waiting for: ",
        }.get(NextStepBy(conversation.next_step_by), "Next: ")
        lines.append(f"{who}{step}.")
        facts.append("the next step")
    elapsed = now - last_heard
    facts.append(f"{_duration(elapsed)} since the customer last heard from a person here")
    desk = policy.desk_policy()
    target = desk.target(conversation.level)
    promise = None
    if target.update_minutes is not None:
        promise = add_target(
            now, min(target.update_minutes, 24 * 60), business_hours=target.business_hours, calendar=desk.calendar
        )
        promise = promise.replace(second=0, microsecond=0) + timedelta(minutes=(15 - promise.minute % 15) % 15)
    lines.append(agent.user.first_name or agent.user.username)
    return Draft(text="\n\n".join(lines), promise_due=promise, facts=facts)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"
