"""Reads for triage: the latest decision per conversation, for the conversation page, the inbox and the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Conversation, Event

from .models import ModelKind, TriageDecision, TriageLabel, TriageModel


def latest_decision(conversation: Conversation) -> TriageDecision | None:
    return TriageDecision.objects.select_related("category").filter(conversation=conversation).order_by("-id").first()


def level_set_by(conversation: Conversation) -> Agent | None:
    """The person whose change of level stands, if one did: the panel says why the level differs from triage's."""
    event = (
        Event.objects.select_related("actor__user")
        .filter(conversation=conversation, kind="level.changed", actor__isnull=False)
        .order_by("-created_at", "-id")
        .first()
    )
    return event.actor if event is not None else None


def latest_decisions(conversation_ids: Iterable[int]) -> dict[int, TriageDecision]:
    """One query for a whole inbox page: {conversation_id: its latest decision}."""
    ids = list(conversation_ids)
    if not ids:
        return {}
    newest = (
        TriageDecision.objects.filter(conversation_id__in=ids)
        .values("conversation_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    decisions = TriageDecision.objects.select_related("category").filter(id__in=newest)
    return {d.conversation_id: d for d in decisions}


def list_models(kind: str | None = None) -> list[TriageModel]:
    rows = TriageModel.objects.defer("blob")
    return list(rows.filter(kind=kind) if kind else rows)


def kinds_with_new_labels() -> list[str]:
    """Model kinds whose labels are newer than the last version trained for them."""
    kinds: list[str] = []
    for kind, field in ((ModelKind.HIERARCHY, "level"), (ModelKind.CATEGORY, "category")):
        last = (
            TriageModel.objects.filter(kind=kind).order_by("-id").values_list("last_label_id", flat=True).first() or 0
        )
        if TriageLabel.objects.filter(field=field, pk__gt=last).exists():
            kinds.append(kind)
    return kinds
