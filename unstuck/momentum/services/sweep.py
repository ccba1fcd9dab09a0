"""The minute sweep: flag what went stuck, nudge owners before and after a deadline, tell leads when it drags.

Idempotent by construction: every nudge is unique per (conversation, agent, kind, deadline), and each
conversation remembers which deadline it was last nudged about, so a restart or a second worker repeats
nothing. It only reads the rows that need something, through the (is_active, due_at) index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from unstuck.accounts.models import Agent, Role
from unstuck.conversations import policy
from unstuck.conversations.models import Conversation
from unstuck.conversations.services.events import record_event

from ..models import Nudge, NudgeKind, Promise, PromiseStatus, ScopeCheck

DUE_SOON = timedelta(minutes=15)
BATCH = 5000
STAGE_DUE_SOON, STAGE_OVERDUE, STAGE_LEAD = 1, 2, 3
ASSIGN_PER_SWEEP = 200


@dataclass
class SweepReport:
    felt_stuck: int = 0
    nudges: int = 0
    promises_broken: int = 0
    assigned: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def _pending(stage: int) -> Q:
    """Not yet nudged to this stage for its current deadline."""
    return ~Q(nudged_for=F("due_at"), nudge_stage__gte=stage)


def _leads() -> list[int]:
    leads = list(Agent.objects.filter(role=Role.LEAD, user__is_active=True).values_list("pk", flat=True))
    return leads or list(Agent.objects.filter(role=Role.ADMIN, user__is_active=True).values_list("pk", flat=True))


def _nudge_stage(
    candidates: Q, *, stage: int, kind: str, now: datetime, report: SweepReport, recipients: list[int] | None = None
) -> None:
    rows = list(
        Conversation.objects.filter(candidates, Q(is_active__in=[True]), _pending(stage))
        .order_by()
        .values_list("pk", "owner_id", "due_at")
    )
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        nudges = [
            (pk, agent_id, kind, due)
            for pk, owner_id, due in chunk
            for agent_id in (recipients if recipients is not None else [owner_id])
            if agent_id is not None and due is not None
        ]
        with transaction.atomic():
            insert_nudges(nudges, now)
            ids = [pk for pk, _, _ in chunk]
            # Guarded by the deadline still being the one nudged about, so a reply sent meanwhile wins.
            Conversation.objects.filter(candidates, pk__in=ids).update(nudged_for=F("due_at"), nudge_stage=stage)
    report.by_kind[kind] = len(rows)


def insert_nudges(rows: list[tuple[int, int, str, datetime]], now: datetime) -> None:
    """Insert (conversation, agent, kind, deadline) rows, skipping any that exist: the unique constraint is
    what makes the sweep idempotent. Plain SQL, because the ORM's per-field preparation dominated the sweep."""
    if not rows:
        return
    ops = connection.ops
    table = connection.ops.quote_name(Nudge._meta.db_table)
    created = ops.adapt_datetimefield_value(now)
    sql = (
        f"INSERT INTO {table} (conversation_id, agent_id, kind, due_at, created_at) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(c, a, k, ops.adapt_datetimefield_value(due), created) for c, a, k, due in rows])


def sweep(now: datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    already = Nudge.objects.filter(created_at=now).count()  # only when a sweep reruns at the same instant
    report.felt_stuck = Conversation.objects.filter(is_active__in=[True], due_at__lt=now, felt_stuck=False).update(
        felt_stuck=True
    )
    owned = Q(owner__isnull=False)
    _nudge_stage(
        owned & Q(due_at__gt=now, due_at__lte=now + DUE_SOON),
        stage=STAGE_DUE_SOON,
        kind=NudgeKind.DUE_SOON,
        now=now,
        report=report,
    )
    _nudge_stage(owned & Q(due_at__lte=now), stage=STAGE_OVERDUE, kind=NudgeKind.OVERDUE, now=now, report=report)
    desk = policy.desk_policy()
    leads = _leads()
    for level in desk.targets:
        cadence = policy.cadence_minutes(level, desk)
        if cadence is None:
            continue
        _nudge_stage(
            Q(level=level, due_at__lte=now - cadence),
            stage=STAGE_LEAD,
            kind=NudgeKind.LEAD_OVERDUE,
            now=now,
            report=report,
            recipients=leads,
        )
    report.promises_broken = _break_promises(now)
    _scope_checks_ended(now, report)
    report.assigned = _assign_waiting(now)
    report.nudges = Nudge.objects.filter(created_at=now).count() - already
    if report.nudges:
        from ..tasks import email_nudges

        transaction.on_commit(partial(email_nudges.enqueue, created_at=now.isoformat()))
    return report


def _break_promises(now: datetime) -> int:
    broken = 0
    for promise in Promise.objects.filter(status=PromiseStatus.PENDING, due_at__lt=now).select_related("conversation"):
        with transaction.atomic():
            if not Promise.objects.filter(pk=promise.pk, status=PromiseStatus.PENDING).update(
                status=PromiseStatus.BROKEN, settled_at=now
            ):
                continue
            conversation = promise.conversation
            record_event(
                kind="promise.broken",
                actor=None,
                conversation=conversation,
                after={"due_at": promise.due_at.isoformat()},
            )
            if conversation.owner_id:
                Nudge.objects.bulk_create(
                    [
                        Nudge(
                            conversation=conversation,
                            agent_id=conversation.owner_id,
                            kind=NudgeKind.PROMISE_BROKEN,
                            due_at=promise.due_at,
                            created_at=now,
                        )
                    ],
                    ignore_conflicts=True,
                )
            broken += 1
    return broken


def _scope_checks_ended(now: datetime, report: SweepReport) -> None:
    ended = ScopeCheck.objects.filter(finished_at__isnull=True, ends_at__lte=now).select_related("conversation")
    nudges = [
        Nudge(
            conversation_id=check.conversation_id,
            agent_id=check.conversation.owner_id or check.started_by_id or 0,
            kind=NudgeKind.SCOPE_CHECK,
            due_at=check.ends_at,
            created_at=now,
        )
        for check in ended
        if check.conversation.owner_id or check.started_by_id
    ]
    Nudge.objects.bulk_create(nudges, ignore_conflicts=True)
    report.by_kind[NudgeKind.SCOPE_CHECK] = len(nudges)


def _assign_waiting(now: datetime) -> int:
    """Conversations that arrived when nobody could take them get an owner as soon as someone can."""
    from .assignment import auto_assign

    waiting = Conversation.objects.filter(is_active__in=[True], owner__isnull=True, level__isnull=False).order_by(
        "due_at"
    )[:ASSIGN_PER_SWEEP]
    return sum(1 for conversation in waiting if auto_assign(conversation) is not None)
