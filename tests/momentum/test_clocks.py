"""Clocks on the desk's own targets and calendar: business hours, holidays, daylight saving, pauses,
perceived urgency, promises and stuck time. Time is frozen with time-machine."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from unstuck.conversations import services
from unstuck.conversations.models import Status
from unstuck.core.errors import DomainError
from unstuck.momentum.models import PromiseStatus
from unstuck.momentum.services import policies

from ..conversations.factories import new_conversation, owned_conversation

BERLIN = "Europe/Berlin"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def berlin_desk(lead):
    return policies.update_calendar(
        tz=BERLIN,
        start=time(9, 0),
        end=time(17, 0),
        weekdays=[0, 1, 2, 3, 4],
        holidays=[date(2026, 4, 6)],  # Easter Monday
        actor=lead,
    )


def test_outage_first_reply_runs_around_the_clock_on_a_saturday_night(berlin_desk):
    with time_machine.travel(utc(2026, 3, 28, 22, 0), tick=False):  # Saturday
        conversation = new_conversation(level=1)
    assert conversation.first_reply_due == utc(2026, 3, 28, 22, 15)


def test_defect_first_reply_counts_business_hours_across_the_weekend_and_daylight_saving(berlin_desk):
    # Friday 27 March 2026, 15:00 in Berlin (CET, UTC+1): 2 working hours left that day, 2 more on Monday,
    # when Berlin is on summer time (UTC+2) after the change on Sunday 29 March.
    with time_machine.travel(utc(2026, 3, 27, 14, 0), tick=False):
        conversation = new_conversation(level=3)
    assert conversation.first_reply_due == utc(2026, 3, 30, 9, 0)  # 11:00 in Berlin, CEST


def test_a_holiday_is_skipped(berlin_desk):
    with time_machine.travel(utc(2026, 4, 3, 13, 0), tick=False):  # Friday 15:00 CEST
        conversation = new_conversation(level=3)
    # 2 h on Friday, Monday 6 April is a holiday, so the other 2 h fall on Tuesday 7 April, 11:00 CEST.
    assert conversation.first_reply_due == utc(2026, 4, 7, 9, 0)


def test_perceived_urgency_pulls_the_first_reply_earlier(berlin_desk):
    with time_machine.travel(utc(2026, 3, 25, 10, 0), tick=False):
        calm = new_conversation(level=4)
        alarmed = new_conversation(level=4, perceived_urgency=2)
    assert alarmed.first_reply_due == utc(2026, 3, 25, 11, 0)  # money's 60 min
    assert calm.first_reply_due > alarmed.first_reply_due
    assert alarmed.level == 4  # the true level is still what reports count


def test_lead_edits_a_target_and_open_clocks_follow(lead, agent, django_capture_on_commit_callbacks):
    with time_machine.travel(utc(2026, 3, 25, 10, 0), tick=False):
        conversation = new_conversation(level=2)
        assert conversation.first_reply_due == utc(2026, 3, 25, 11, 0)
        with django_capture_on_commit_callbacks(execute=True):
            policies.update_level_policy(
                level=2,
                first_reply_minutes=30,
                update_minutes=120,
                resolution_minutes=None,
                business_hours=False,
                actor=lead,
            )
    conversation.refresh_from_db()
    assert conversation.first_reply_due == utc(2026, 3, 25, 10, 30)
    assert conversation.due_at == utc(2026, 3, 25, 10, 30)
    assert conversation.resolution_due is None


def test_only_leads_edit_targets(agent):
    with pytest.raises(DomainError) as refused:
        policies.update_level_policy(
            level=2,
            first_reply_minutes=30,
            update_minutes=60,
            resolution_minutes=None,
            business_hours=False,
            actor=agent,
        )
    assert refused.value.status_code == 403


def test_calendar_refuses_an_unknown_time_zone(lead):
    with pytest.raises(DomainError, match="invalid_time_zone"):
        policies.update_calendar(tz="Mars/Olympus", start=time(9), end=time(17), weekdays=[0], holidays=[], actor=lead)


def test_update_clock_pauses_while_waiting_on_the_customer_and_runs_while_waiting_on_a_vendor(agent):
    with time_machine.travel(utc(2026, 3, 25, 10, 0), tick=False):
        conversation = owned_conversation(agent, level=2)
        assert conversation.next_update_due == utc(2026, 3, 25, 14, 0)  # every 4 h
        services.change_status(conversation, status=Status.WAITING_CUSTOMER, actor=agent)
        conversation.refresh_from_db()
        assert conversation.due_at is None
        services.change_status(conversation, status=Status.WAITING_THIRD_PARTY, actor=agent)
        conversation.refresh_from_db()
        assert conversation.due_at == utc(2026, 3, 25, 14, 0)


def test_a_promise_sooner_than_the_cadence_becomes_the_next_update_and_is_written_into_the_reply(agent):
    with time_machine.travel(utc(2026, 3, 25, 10, 0), tick=False):
        conversation = owned_conversation(agent, level=2)  # cadence: 4 h
        message = services.reply(
            conversation, text="Refund is on its way.", actor=agent, promise_due=utc(2026, 3, 25, 12, 0)
        )
    conversation.refresh_from_db()
    assert conversation.next_update_due == utc(2026, 3, 25, 12, 0)
    assert conversation.due_at == utc(2026, 3, 25, 12, 0)
    assert message.text.endswith("I'll write again by 12 pm.")


def test_a_promise_later_than_the_cadence_does_not_loosen_the_clock(agent):
    with time_machine.travel(utc(2026, 3, 25, 10, 0), tick=False):
        conversation = owned_conversation(agent, level=2)
        services.reply(conversation, text="Checking.", actor=agent, promise_due=utc(2026, 3, 26, 10, 0))
    conversation.refresh_from_db()
    assert conversation.next_update_due == utc(2026, 3, 25, 14, 0)


def test_a_promise_in_the_past_is_refused(agent):
    conversation = owned_conversation(agent)
    with pytest.raises(DomainError, match="promise_in_past"):
        services.reply(conversation, text="Soon.", actor=agent, promise_due=utc(2020, 1, 1, 0, 0))


def test_a_kept_promise_is_kept_and_a_late_update_breaks_it_and_counts_as_stuck_time(agent):
    with time_machine.travel(utc(2026, 3, 25, 10, 0), tick=False):
        conversation = owned_conversation(agent, level=2)
        services.reply(conversation, text="On it.", actor=agent, promise_due=utc(2026, 3, 25, 11, 0))
    with time_machine.travel(utc(2026, 3, 25, 10, 50), tick=False):
        services.reply(conversation, text="Found it.", actor=agent, promise_due=utc(2026, 3, 25, 12, 0))
    first, second = conversation.promises.order_by("created_at")
    assert first.status == PromiseStatus.KEPT
    with time_machine.travel(utc(2026, 3, 25, 12, 40), tick=False):
        services.reply(conversation, text="Sorry, that took longer.", actor=agent)
    second.refresh_from_db()
    conversation.refresh_from_db()
    assert second.status == PromiseStatus.BROKEN
    assert conversation.stuck_seconds == 40 * 60
    assert conversation.felt_stuck


def test_stuck_time_is_banked_once_however_often_clocks_are_recomputed(agent):
    with time_machine.travel(utc(2026, 3, 25, 10, 0), tick=False):
        conversation = owned_conversation(agent, level=1)  # updates every 30 min
    with time_machine.travel(utc(2026, 3, 25, 10, 50), tick=False):  # 20 min overdue
        services.set_temperature(conversation, temperature="warm", actor=agent)
        services.set_perceived_urgency(conversation, urgency=1, actor=agent)
    with time_machine.travel(utc(2026, 3, 25, 11, 0), tick=False):  # 30 min overdue in all
        services.reply(conversation, text="Update: still on it.", actor=agent)
    conversation.refresh_from_db()
    assert conversation.stuck_seconds == 30 * 60
    assert conversation.due_at == utc(2026, 3, 25, 11, 30)


def test_a_level_change_recomputes_the_update_clock(agent):
    with time_machine.travel(utc(2026, 3, 25, 10, 0), tick=False):
        conversation = owned_conversation(agent, level=2)
        services.change_level(conversation, level=1, actor=agent)
    conversation.refresh_from_db()
    assert conversation.due_at == utc(2026, 3, 25, 10, 30)
