"""Leads tune the desk's targets, business calendar and routing; open conversations follow at once."""

from __future__ import annotations

from datetime import date, time
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from unstuck.accounts.models import Agent, Role
from unstuck.accounts.permissions import require_role
from unstuck.conversations import policy
from unstuck.conversations.models import Conversation, Level
from unstuck.conversations.services.events import record_event
from unstuck.core.errors import DomainError

from .. import selectors
from ..models import DeskCalendar, LevelPolicy, Routing

MAX_MINUTES = 60 * 24 * 60  # sixty days


def _minutes(value: int | None, label: str, *, optional: bool) -> int | None:
    if value is None:
        if optional:
            return None
        raise DomainError("target_required", f"Set the {label}.")
    if not 1 <= int(value) <= MAX_MINUTES:
        raise DomainError("invalid_target", f"The {label} must be between 1 minute and 60 days.")
    return int(value)


def _enqueue_recompute() -> None:
    from ..tasks import recompute_clocks

    # The desk policy memo forgets itself on these saves (core.memo); the clocks are recomputed after commit.
    transaction.on_commit(partial(recompute_clocks.enqueue))


@transaction.atomic
def update_level_policy(
    *,
    level: int,
    first_reply_minutes: int,
    update_minutes: int | None,
    resolution_minutes: int | None,
    business_hours: bool,
    actor: Agent,
) -> LevelPolicy:
    require_role(actor, Role.LEAD, "change support targets")
    if level not in Level.values:
        raise DomainError("invalid_level", "The level must be 1 (outage) to 5 (feedback).")
    values = {
        "first_reply_minutes": _minutes(first_reply_minutes, "first reply target", optional=False),
        "update_minutes": _minutes(update_minutes, "update cadence", optional=True),
        "resolution_minutes": _minutes(resolution_minutes, "resolution target", optional=True),
        "business_hours": bool(business_hours),
    }
    before = {p.level: p for p in selectors.level_policies()}[level]
    row, _ = LevelPolicy.objects.update_or_create(level=level, defaults=values)
    changed = {k: v for k, v in values.items() if getattr(before, k) != v}
    if changed:
        record_event(
            kind="policy.changed",
            actor=actor,
            before={"level": level, **{k: getattr(before, k) for k in changed}},
            after={"level": level, **changed},
        )
        _enqueue_recompute()
    return row


@transaction.atomic
def update_calendar(
    *, tz: str, start: time, end: time, weekdays: list[int], holidays: list[date], actor: Agent
) -> DeskCalendar:
    require_role(actor, Role.LEAD, "change business hours")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainError("invalid_time_zone", f"Unknown time zone {tz!r}; use a name like Europe/Berlin.") from exc
    if start >= end:
        raise DomainError("invalid_hours", "The working day must end after it starts.")
    days = sorted({int(d) for d in weekdays})
    if not days or any(d not in range(7) for d in days):
        raise DomainError("invalid_weekdays", "Pick at least one working day.")
    calendar = DeskCalendar.objects.order_by("pk").first() or DeskCalendar()
    calendar.tz, calendar.start, calendar.end = tz, start, end
    calendar.weekdays = days
    calendar.holidays = sorted({d.isoformat() for d in holidays})
    calendar.save()
    record_event(
        kind="calendar.changed",
        actor=actor,
        after={"tz": tz, "hours": f"{start:%H:%M}-{end:%H:%M}", "weekdays": days, "holidays": calendar.holidays},
    )
    _enqueue_recompute()
    return calendar


@transaction.atomic
def update_routing(*, auto_assign: bool, load_cap: int, on_call: Agent | None, actor: Agent) -> Routing:
    require_role(actor, Role.LEAD, "change how conversations are assigned")
    if not 1 <= load_cap <= 1000:
        raise DomainError("invalid_load_cap", "The load cap must be between 1 and 1000 open conversations.")
    routing = Routing.objects.order_by("pk").first() or Routing()
    routing.auto_assign, routing.load_cap, routing.on_call = auto_assign, load_cap, on_call
    routing.save()
    record_event(
        kind="routing.changed",
        actor=actor,
        after={"auto_assign": auto_assign, "load_cap": load_cap, "on_call": on_call.pk if on_call else None},
    )
    return routing


def recompute_open_clocks(batch: int = 500) -> int:
    """Recompute deadlines of every open conversation under the current policy, in batches."""
    desk = policy.desk_policy()
    fields = ["first_reply_due", "next_update_due", "resolution_due", "due_at", "stuck_seconds"]
    fields += ["stuck_counted_until", "felt_stuck"]
    done, last_pk = 0, 0
    while True:
        rows = list(Conversation.objects.filter(is_active__in=[True], pk__gt=last_pk).order_by("pk")[:batch])
        if not rows:
            return done
        for conversation in rows:
            policy.refresh_clocks(conversation, desk=desk)
        Conversation.objects.bulk_update(rows, fields)
        done += len(rows)
        last_pk = rows[-1].pk
