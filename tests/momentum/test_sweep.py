"""The minute sweep: nudges before and after a deadline, the lead after a whole cadence, felt-stuck flags,
broken promises, waiting assignments; and nothing twice, however often it runs."""

from datetime import UTC, datetime

import time_machine
from django.core import mail

from unstuck.conversations import services
from unstuck.momentum.models import Nudge, NudgeKind, Promise, PromiseStatus, Routing
from unstuck.momentum.selectors import unread_nudges
from unstuck.momentum.services.sweep import sweep

from ..conversations.factories import new_conversation, owned_conversation

START = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)  # a Wednesday


def at(hour: int, minute: int = 0) -> datetime:
    return START.replace(hour=hour, minute=minute)


def test_owner_is_nudged_fifteen_minutes_before_the_update_is_due_once(agent, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        conversation = owned_conversation(agent, level=1)  # next update 10:30
    with time_machine.travel(at(10, 10), tick=False):
        assert sweep().by_kind[NudgeKind.DUE_SOON] == 0
    with time_machine.travel(at(10, 16), tick=False), django_capture_on_commit_callbacks(execute=True):
        report = sweep()
    assert report.nudges == 1
    nudge = Nudge.objects.get()
    assert (nudge.agent, nudge.kind, nudge.due_at) == (agent, NudgeKind.DUE_SOON, at(10, 30))
    assert len(mail.outbox) == 1
    assert conversation.subject in mail.outbox[0].body
    assert mail.outbox[0].to == [agent.email]
    with time_machine.travel(at(10, 17), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert sweep().nudges == 0
    assert Nudge.objects.count() == 1
    assert len(mail.outbox) == 1


def test_overdue_nudges_the_owner_flags_felt_stuck_and_a_whole_cadence_late_tells_the_lead(agent, lead):
    with time_machine.travel(START, tick=False):
        conversation = owned_conversation(agent, level=1)  # due 10:30, cadence 30 min
    with time_machine.travel(at(10, 31), tick=False):
        report = sweep()
    conversation.refresh_from_db()
    assert conversation.felt_stuck
    assert report.felt_stuck == 1
    assert Nudge.objects.filter(kind=NudgeKind.OVERDUE, agent=agent).count() == 1
    assert not Nudge.objects.filter(kind=NudgeKind.LEAD_OVERDUE).exists()
    with time_machine.travel(at(11, 1), tick=False):
        sweep()
    assert Nudge.objects.filter(kind=NudgeKind.LEAD_OVERDUE, agent=lead).count() == 1
    with time_machine.travel(at(11, 5), tick=False):
        sweep()
    assert Nudge.objects.count() == 2  # overdue and lead, each once (it was never swept while "due soon")


def test_a_sent_update_retires_the_nudge_and_the_next_deadline_gets_its_own(agent):
    with time_machine.travel(START, tick=False):
        conversation = owned_conversation(agent, level=1)
    with time_machine.travel(at(10, 31), tick=False):
        sweep()
        assert unread_nudges(agent).count() == 1  # overdue, about 10:30
        services.reply(conversation, text="Still on it: the fix is deploying.", actor=agent)
        assert unread_nudges(agent).count() == 0
    with time_machine.travel(at(10, 50), tick=False):
        sweep()
    assert unread_nudges(agent).get().due_at == at(11, 1)


def test_restarted_sweeps_repeat_nothing_even_when_the_conversation_mark_was_lost(agent):
    with time_machine.travel(START, tick=False):
        conversation = owned_conversation(agent, level=1)
    with time_machine.travel(at(10, 31), tick=False):
        sweep()
        # A crash between writing nudges and marking the conversation: the unique constraint still holds.
        type(conversation).objects.filter(pk=conversation.pk).update(nudged_for=None, nudge_stage=0)
        sweep()
    assert Nudge.objects.count() == 1


def test_a_broken_promise_is_recorded_and_the_owner_nudged(agent):
    with time_machine.travel(START, tick=False):
        conversation = owned_conversation(agent, level=3)
        services.reply(conversation, text="Checking with engineering.", actor=agent, promise_due=at(11, 0))
    with time_machine.travel(at(11, 1), tick=False):
        report = sweep()
    assert report.promises_broken == 1
    assert Promise.objects.get().status == PromiseStatus.BROKEN
    assert Nudge.objects.filter(kind=NudgeKind.PROMISE_BROKEN, agent=agent).exists()
    assert conversation.events.filter(kind="promise.broken").exists()


def test_conversations_nobody_could_take_are_assigned_when_someone_becomes_available(agent):
    Routing.objects.create(auto_assign=True)
    agent.is_available = False
    agent.save()
    conversation = new_conversation(level=3)
    assert conversation.owner is None
    agent.is_available = True
    agent.save()
    assert sweep().assigned == 1
    conversation.refresh_from_db()
    assert conversation.owner == agent
    assert conversation.next_step
