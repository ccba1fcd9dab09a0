"""Ownership and routing, scope checks, calls, collaborators and drafted updates."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from unstuck.accounts.models import Team
from unstuck.conversations import services
from unstuck.conversations.models import Level, NextStepBy, Temperature, Trend
from unstuck.core.errors import DomainError
from unstuck.momentum import selectors
from unstuck.momentum.drafting import draft_update
from unstuck.momentum.models import Finding, Nudge, NudgeKind, Routing, SideMessage
from unstuck.momentum.services import calls, collaborators, scope
from unstuck.momentum.services.assignment import auto_assign
from unstuck.momentum.services.sweep import sweep

from ..accounts.factories import AgentFactory
from ..conversations.factories import new_conversation, owned_conversation

STOCK_PHRASES = ("inconvenience", "due diligence", "as per my last", "we appreciate your patience", "rest assured")


@pytest.fixture
def routed(db):
    return Routing.objects.create(auto_assign=True, load_cap=2)


# Routing and ownership


def test_new_conversations_are_assigned_round_robin_with_a_first_next_step(routed, agent, other_agent):
    owners = [new_conversation(level=3).owner for _ in range(4)]
    assert owners.count(agent) == 2 and owners.count(other_agent) == 2
    assert owners[0] != owners[1]
    conversation = new_conversation(level=3)  # both at the load cap of 2
    assert conversation.owner is None
    first = type(conversation).objects.filter(owner=agent).first()
    assert first.next_step == "Maya sends the first reply"
    assert first.events.filter(kind="owner.assigned", actor=None).exists()


def test_unavailable_agents_and_other_teams_are_skipped(routed, agent, other_agent):
    billing = Team.objects.create(name="Billing")
    other_agent.teams.add(billing)
    routed.auto_assign = False
    routed.save()
    conversation = new_conversation(level=4)
    conversation.team = billing
    conversation.save(update_fields=["team"])
    routed.auto_assign = True
    routed.save()
    assert auto_assign(conversation) == other_agent  # Maya waited longer, but she is not in Billing
    agent.is_available = False
    agent.save()
    assert new_conversation(level=4).owner == other_agent  # Maya is away


def test_outages_go_to_the_on_call_agent_even_outside_the_rotation(routed, agent, other_agent):
    on_call = AgentFactory(user__first_name="Nia", is_available=False)
    routed.on_call = on_call
    routed.save()
    assert new_conversation(level=Level.OUTAGE).owner == on_call
    assert new_conversation(level=Level.DEFECT).owner in (agent, other_agent)


def test_a_handoff_without_a_note_is_refused_and_one_with_a_note_is_counted(agent, other_agent):
    conversation = owned_conversation(agent)
    with pytest.raises(DomainError, match="handoff_note_required"):
        services.hand_off(conversation, to_agent=other_agent, note="  ", actor=agent)
    services.hand_off(conversation, to_agent=other_agent, note="Tom knows the bank API", actor=agent)
    conversation.refresh_from_db()
    assert (conversation.owner, conversation.handoff_count) == (other_agent, 1)


def test_the_next_step_cannot_be_cleared(agent):
    conversation = owned_conversation(agent)
    with pytest.raises(DomainError, match="next_step_required"):
        services.set_next_step(conversation, text="   ", actor=agent)


# Scope checks


def test_scope_check_is_timeboxed_and_ends_with_a_finding_and_a_direction(agent):
    conversation = owned_conversation(agent)
    with pytest.raises(DomainError, match="invalid_timebox"):
        scope.start_scope_check(conversation, actor=agent, minutes=45)
    check = scope.start_scope_check(conversation, actor=agent)
    assert check.minutes == 20 and check.ends_at - check.started_at == timedelta(minutes=20)
    with pytest.raises(DomainError, match="scope_check_running"):
        scope.start_scope_check(conversation, actor=agent)
    with pytest.raises(DomainError, match="third_party_required"):
        scope.finish_scope_check(check, finding=Finding.THIRD_PARTY, direction="Ask them to check", actor=agent)
    with pytest.raises(DomainError, match="direction_required"):
        scope.finish_scope_check(check, finding=Finding.UNCLEAR, direction=" ", actor=agent)
    scope.finish_scope_check(
        check,
        finding=Finding.THIRD_PARTY,
        third_party="Stripe",
        direction="Their webhook retries are off; turning them on in the Stripe dashboard fixes it",
        actor=agent,
    )
    text = draft_update(conversation, agent=agent).text
    assert "it starts at Stripe, not in our product" in text
    assert "Their webhook retries are off" in text


def test_when_the_timebox_ends_the_owner_is_nudged_to_record_the_finding(agent):
    conversation = owned_conversation(agent)
    scope.start_scope_check(conversation, actor=agent, minutes=15)
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        sweep()
    assert Nudge.objects.filter(kind=NudgeKind.SCOPE_CHECK, agent=agent).count() == 1


# Calls


def test_a_call_without_an_outcome_is_flagged_until_one_is_recorded(agent):
    conversation = owned_conversation(agent)
    call = calls.log_call(
        conversation,
        started_at=timezone.now() - timedelta(minutes=30),
        duration_minutes=20,
        attendees="Dana, Maya",
        actor=agent,
    )
    assert call.flagged
    assert list(selectors.calls_without_outcome()) == [call]
    assert selectors.conversation_momentum(conversation, agent).flagged_calls == [call]
    with pytest.raises(DomainError, match="outcome_owner_required"):
        calls.record_outcome(call, outcome_kind="owner", outcome="Tom fixes the import", actor=agent)
    calls.record_outcome(call, outcome_kind="decision", outcome="We refund the second charge today", actor=agent)
    assert not call.flagged
    assert not selectors.calls_without_outcome().exists()


def test_a_call_is_suggested_when_the_thread_stalls_or_the_customer_heats_up(agent):
    conversation = owned_conversation(agent)
    assert selectors.call_suggestion(conversation) is None
    for i in range(3):
        services.receive_message(
            channel="email", text=f"Still not working ({i})", customer=conversation.customer, conversation=conversation
        )
        services.reply(conversation, text=f"Could you try again? ({i})", actor=agent)
    assert "messages since the last change of status" in selectors.call_suggestion(conversation)
    calm = owned_conversation(agent)
    calm.temperature, calm.temperature_trend = Temperature.WARM, Trend.RISING
    assert "temperature is rising" in selectors.call_suggestion(calm)


def test_repeated_clarifying_questions_suggest_a_call(agent):
    conversation = owned_conversation(agent)
    services.reply(conversation, text="Could you send the error message?", actor=agent)
    services.reply(conversation, text="Can you share a screenshot of the settings page?", actor=agent)
    assert "clarify more than once" in selectors.call_suggestion(conversation)


# Collaborators


def test_collaborators_help_in_a_side_thread_and_the_owner_stays(agent, other_agent):
    conversation = owned_conversation(agent)
    helper = collaborators.add_collaborator(conversation, actor=agent, agent=other_agent)
    with pytest.raises(DomainError, match="already_collaborating"):
        collaborators.add_collaborator(conversation, actor=agent, agent=other_agent)
    collaborators.post_side_message(conversation, text="Tom, is the import queue stuck?", actor=agent, to=helper)
    collaborators.post_side_message(conversation, text="Yes, restarting it now.", actor=other_agent)
    conversation.refresh_from_db()
    assert conversation.owner == agent
    assert [m.text for m in selectors.side_thread(conversation)] == [
        "Tom, is the import queue stuck?",
        "Yes, restarting it now.",
    ]
    assert not conversation.messages.filter(text__contains="import queue").exists()  # never in the customer thread


def test_a_vendor_is_emailed_and_their_reply_comes_back_into_the_side_thread(agent, django_capture_on_commit_callbacks):
    conversation = owned_conversation(agent)
    vendor = collaborators.add_collaborator(
        conversation, actor=agent, vendor_name="Acme Payments", vendor_email="Support@Acme.test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = collaborators.post_side_message(
            conversation, text="Is settlement delayed today?", actor=agent, to=vendor
        )
    email = mail.outbox[-1]
    assert email.to == ["support@acme.test"]
    assert f"[#{conversation.pk}-v{vendor.pk}]" in email.subject
    sent.refresh_from_db()
    assert sent.delivery_status == "sent" and sent.external_id == email.extra_headers["Message-ID"]
    reply = collaborators.receive_vendor_reply(
        subject=f"Re: {email.subject}",
        references=[sent.external_id],
        from_email="support@acme.test",
        text="Yes, a 2-hour delay on our side; fixed by 15:00 UTC.",
        message_id="<vendor-1@acme.test>",
    )
    assert reply is not None and reply.from_vendor and reply.collaborator == vendor
    again = collaborators.receive_vendor_reply(
        subject="Re: whatever",  # the same mail delivered twice: same headers
        references=[sent.external_id],
        from_email="support@acme.test",
        text="dup",
        message_id="<vendor-1@acme.test>",
    )
    assert again == reply
    assert SideMessage.objects.filter(from_vendor=True).count() == 1
    assert collaborators.receive_vendor_reply(subject="Hello", references=[], from_email="a@b.test", text="hi") is None
    assert "Yes, a 2-hour delay on our side" in draft_update(conversation, agent=agent).text


# Drafted updates


def test_a_drafted_update_is_built_from_the_conversations_own_facts(agent):
    conversation = owned_conversation(agent, name="Dana Example", subject="Export button does nothing")
    conversation = services.set_next_step(
        conversation, text="Engineering ships the export fix in tonight's release", by=NextStepBy.US, actor=agent
    )
    services.add_note(conversation, text="Engineering confirmed the cause this morning. Fix is in review.", actor=agent)
    draft = draft_update(conversation, agent=agent)
    assert draft.text.startswith("Hi Dana,")
    assert "Export button does nothing" in draft.text
    assert "Where things stand: Engineering confirmed the cause this morning." in draft.text
    assert "Next, on our side: Engineering ships the export fix in tonight's release." in draft.text
    assert draft.text.rstrip().endswith("Maya")
    assert draft.promise_due is not None and draft.promise_due > timezone.now()
    assert not any(phrase in draft.text.lower() for phrase in STOCK_PHRASES)


def test_a_draft_with_no_progress_says_so_plainly(agent):
    conversation = owned_conversation(agent)
    text = draft_update(conversation, agent=agent).text
    assert "I haven't got news to share yet" in text
    assert not any(phrase in text.lower() for phrase in STOCK_PHRASES)


def test_a_vendor_reply_arriving_by_mail_lands_in_the_side_thread_not_the_customers(
    agent, django_capture_on_commit_callbacks
):
    from unstuck.mail.services import ingest_file

    conversation = owned_conversation(agent)
    vendor = collaborators.add_collaborator(conversation, actor=agent, vendor_email="ops@acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        sent = collaborators.post_side_message(conversation, text="Any incident on your side?", actor=agent, to=vendor)
    sent.refresh_from_db()
    raw = (
        "From: Acme Ops <ops@acme.example>\r\nTo: support@unstuck.localhost\r\n"
        f"Subject: Re: {mail.outbox[-1].subject}\r\nMessage-ID: <answer-1@acme.example>\r\n"
        f"In-Reply-To: {sent.external_id}\r\nReferences: {sent.external_id}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nYes, our gateway had errors until 14:10 UTC.\r\n"
    ).encode()
    inbound = ingest_file(raw)
    assert inbound.conversation_id == conversation.pk
    side = SideMessage.objects.get(from_vendor=True)
    assert side.text.startswith("Yes, our gateway had errors")
    assert not conversation.messages.filter(text__contains="gateway").exists()
