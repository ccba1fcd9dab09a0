import copy
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations import policy
from unstuck.conversations.models import Conversation, Event, Message, Status
from unstuck.demo.seed import DEMO_PASSWORD, load_desk, seed_demo
from unstuck.search import engine
from unstuck.triage.models import TriageDecision, TriageLabel

pytestmark = pytest.mark.django_db

TINY_DESK = {
    "company": {"name": "Fernhill", "support_email": "support@fernhill.example"},
    "teams": [{"name": "Billing"}],
    "agents": [
        {"username": "admin", "first_name": "Ada", "last_name": "Admin", "email": "ada@f.example", "role": "admin"},
        {
            "username": "maya",
            "first_name": "Maya",
            "last_name": "Lind",
            "email": "maya@f.example",
            "role": "agent",
            "teams": ["Billing"],
        },
    ],
    "categories": [{"name": "Double charge", "level": 2}],
    "customers": [
        {
            "key": "c1",
            "name": "Dana Quill",
            "company": None,
            "identities": [{"kind": "email", "value": "Dana@Example.com"}, {"kind": "handle", "value": "@dq"}],
        }
    ],
    "conversations": [
        {
            "customer": "c1",
            "subject": "Charged twice",
            "channel": "email",
            "level": 2,
            "category": "Double charge",
            "status": "open",
            "owner": "maya",
            "next_step": "Maya confirms the refund with PayRail by 3 pm",
            "temperature": "hot",
            "perceived_urgency": 1,
            "messages": [
                {"kind": "customer", "text": "You charged me twice!", "minutes_ago": 600},
                {"kind": "reply", "author": "maya", "text": "Checking with PayRail now.", "minutes_ago": 540},
                {"kind": "note", "author": "maya", "text": "PayRail ticket RF-2291", "minutes_ago": 530},
            ],
        },
        {
            "customer": "c1",
            "subject": "Dark mode?",
            "channel": "chat",
            "level": 5,
            "category": None,
            "status": "new",
            "owner": None,
            "next_step": "",
            "temperature": "calm",
            "perceived_urgency": 5,
            "messages": [{"kind": "customer", "text": "Any plans for dark mode?", "minutes_ago": 30}],
        },
    ],
}


def test_seeding_builds_history_in_the_past_with_running_clocks():
    logins = seed_demo(TINY_DESK)

    assert [(login.username, login.password) for login in logins] == [("admin", DEMO_PASSWORD), ("maya", DEMO_PASSWORD)]
    charged = Conversation.objects.get(subject="Charged twice")
    assert timezone.now() - charged.created_at > timedelta(hours=9)
    assert (charged.message_count, charged.reply_count, charged.owner.user.username) == (2, 1, "maya")
    # Last heard 9 hours ago on a 4-hour cadence: overdue, and stuck only since that update fell due (triage
    # read the first message when no reply existed yet; that must not bank the whole history as stuck time).
    assert charged.is_overdue
    assert charged.stuck_seconds == 0
    assert policy.stuck_seconds_now(charged) == pytest.approx((timezone.now() - charged.due_at).total_seconds(), abs=5)
    assert Event.objects.filter(conversation=charged, kind="owner.assigned").exists()
    assert [h.group_id for h in engine.search("PayRail", kinds=["message"])] == [charged.pk, charged.pk]


def test_demo_command_seeds_only_an_empty_desk(capsys):
    call_command("demo")
    first = Agent.objects.count()
    call_command("demo", if_empty=True)

    assert Agent.objects.count() == first
    assert "password: unstuck-demo" in capsys.readouterr().out


def test_the_shipped_demo_desk_is_realistic():
    desk = load_desk()
    seed_demo(desk)

    assert Conversation.objects.count() == 200
    assert set(Conversation.objects.values_list("level", flat=True)) == {1, 2, 3, 4, 5}
    assert set(Conversation.objects.values_list("channel", flat=True)) >= {"email", "chat", "web", "api"}
    assert set(Conversation.objects.values_list("status", flat=True)) == set(Status.values)
    overdue = [c for c in Conversation.objects.filter(status=Status.OPEN) if c.is_overdue]
    # Levels 1 and 2 run around the clock, so these are overdue whatever weekday the demo is seeded on.
    assert len([c for c in overdue if c.level in (1, 2)]) >= 5
    assert Conversation.objects.filter(temperature="hot").exists()
    assert Message.objects.filter(kind="note").count() >= 20
    # Every working conversation has an owner and a next step.
    working = Conversation.objects.exclude(status__in=[Status.NEW])
    assert not working.filter(owner__isnull=True).exists()
    assert not working.filter(next_step="").exists()


def test_triage_reads_the_demo_history_and_the_desk_corrects_what_it_judged_otherwise(
    django_capture_on_commit_callbacks,
):
    """The workspace shows real triage on the demo desk: each customer message is read as it arrived, and where
    the desk placed a conversation differently, an agent's correction (event and label) says so."""
    desk = copy.deepcopy(TINY_DESK)
    desk["conversations"][1]["level"] = 1  # the desk calls "Any plans for dark mode?" an outage: triage will not

    with django_capture_on_commit_callbacks() as callbacks:
        seed_demo(desk)

    for message in Message.objects.filter(kind="inbound"):
        decision = TriageDecision.objects.get(message=message)
        assert decision.created_at == message.created_at
        assert decision.model_version.startswith("starter-")
    dark = Conversation.objects.get(subject="Dark mode?")
    assert dark.level == 1
    read = TriageDecision.objects.get(conversation=dark)
    assert read.level != 1 and read.reasons["level"]
    corrected = Event.objects.get(conversation=dark, kind="level.changed")
    assert corrected.before == {"level": read.level} and corrected.after == {"level": 1}
    assert corrected.actor.user.username == "admin"  # nobody owns it: the admin triaged the queue
    assert corrected.created_at == dark.created_at + timedelta(minutes=3)
    assert TriageLabel.objects.filter(conversation=dark, field="level", value="1").exists()
    charged = Conversation.objects.get(subject="Charged twice")
    assert (charged.category.name, charged.temperature) == ("Double charge", "hot")
    assert TriageLabel.objects.filter(conversation=charged, field="category").exists()
    # The labels ask for retraining once per model kind, after seeding, not once per label.
    kinds = sorted(c.keywords["kind"] for c in callbacks if getattr(c, "keywords", {}).get("kind"))
    assert kinds == ["category", "hierarchy"]
