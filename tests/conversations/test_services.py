from datetime import timedelta

import pytest
from django.utils import timezone

from unstuck.conversations import services
from unstuck.conversations.models import Event, Handoff, Message, MessageKind, Status
from unstuck.core.errors import DomainError, Forbidden

from ..accounts.factories import AgentFactory
from .factories import new_conversation, owned_conversation

pytestmark = pytest.mark.django_db


def test_customer_message_opens_a_new_unowned_conversation_with_a_first_reply_clock():
    before = timezone.now()
    conversation = new_conversation(level=2)

    assert (conversation.status, conversation.owner, conversation.message_count) == (Status.NEW, None, 1)
    assert before + timedelta(minutes=59) < conversation.due_at <= timezone.now() + timedelta(minutes=60)
    assert Event.objects.filter(conversation=conversation, kind="conversation.created").exists()


def test_same_email_lands_on_the_same_customer():
    first = new_conversation(email="Dana@Example.com")
    second = new_conversation(email="dana@example.com")

    assert first.customer_id == second.customer_id


def test_perceived_urgency_pulls_the_first_reply_earlier():
    calm = new_conversation(level=4)
    panicked = new_conversation(level=4, perceived_urgency=1)

    assert panicked.first_reply_due - panicked.created_at == timedelta(minutes=15)
    assert calm.first_reply_due - calm.created_at > timedelta(hours=1)


def test_reply_takes_ownership_opens_and_starts_the_update_cadence(agent):
    conversation = new_conversation(level=2)

    services.reply(
        conversation, text="On it: checking the double charge now.", actor=agent, next_step="We check and write back"
    )
    conversation.refresh_from_db()

    assert (conversation.status, conversation.owner, conversation.reply_count) == (Status.OPEN, agent, 1)
    assert conversation.next_update_due - conversation.last_heard_at == timedelta(hours=4)
    assert conversation.due_at == conversation.next_update_due


def test_reply_by_a_collaborator_keeps_the_owner(agent, other_agent):
    conversation = owned_conversation(agent)

    services.reply(
        conversation,
        text="Tom from billing here: the refund left today.",
        actor=other_agent,
        next_step="We check and write back",
    )
    conversation.refresh_from_db()

    assert conversation.owner == agent


def test_reply_is_held_when_the_customer_wrote_meanwhile(agent):
    conversation = owned_conversation(agent)
    seen = Message.objects.filter(conversation=conversation).latest("id").pk
    services.receive_message(
        channel="email",
        text="Also, it happens on mobile.",
        customer=conversation.customer,
        conversation=conversation,
    )

    with pytest.raises(services.ReplyHeld) as held:
        services.reply(
            conversation, text="Fixed!", actor=agent, seen_message_id=seen, next_step="We check and write back"
        )

    assert held.value.code == "reply_held"
    assert not Message.objects.filter(text="Fixed!").exists()
    services.reply(
        conversation, text="Fixed!", actor=agent, seen_message_id=seen, force=True, next_step="We check and write back"
    )
    assert Message.objects.filter(text="Fixed!").exists()


def test_reply_is_held_when_another_agent_replied_meanwhile(agent, other_agent):
    conversation = owned_conversation(agent)
    seen = Message.objects.filter(conversation=conversation).latest("id").pk
    services.reply(
        conversation, text="Tom here, I answered already.", actor=other_agent, next_step="We check and write back"
    )

    with pytest.raises(services.ReplyHeld):
        services.reply(
            conversation, text="Me too", actor=agent, seen_message_id=seen, next_step="We check and write back"
        )


def test_own_notes_do_not_hold_a_reply(agent):
    conversation = owned_conversation(agent)
    seen = Message.objects.filter(conversation=conversation).latest("id").pk
    services.add_note(conversation, text="Checked logs", actor=agent)

    message = services.reply(
        conversation, text="Found it", actor=agent, seen_message_id=seen, next_step="We check and write back"
    )

    assert message.kind == MessageKind.OUTBOUND


def test_note_does_not_touch_the_clock(agent):
    conversation = owned_conversation(agent)
    due = conversation.due_at

    services.add_note(conversation, text="Waiting for the export logs from engineering.", actor=agent)
    conversation.refresh_from_db()

    assert conversation.due_at == due
    assert conversation.reply_count == 1


def test_empty_reply_is_refused(agent):
    with pytest.raises(DomainError, match="empty_message"):
        services.reply(new_conversation(), text="   ", actor=agent)


def test_waiting_on_customer_pauses_the_clock_and_their_reply_reopens(agent):
    conversation = owned_conversation(agent)

    conversation = services.change_status(conversation, status=Status.WAITING_CUSTOMER, actor=agent)
    assert conversation.due_at is None
    services.receive_message(
        channel="email", text="Here is the file.", customer=conversation.customer, conversation=conversation
    )
    conversation.refresh_from_db()

    assert conversation.status == Status.OPEN
    assert conversation.due_at is not None


def test_waiting_on_third_party_keeps_the_clock_running(agent):
    conversation = owned_conversation(agent)

    conversation = services.change_status(conversation, status=Status.WAITING_THIRD_PARTY, actor=agent)

    assert conversation.due_at == conversation.next_update_due is not None


def test_opening_needs_an_owner(agent):
    with pytest.raises(DomainError, match="owner_required"):
        services.change_status(new_conversation(), status=Status.OPEN, actor=agent)


def test_waiting_needs_a_next_step(agent):
    conversation = new_conversation()
    services.assign_owner(conversation, to_agent=agent, actor=agent)
    services.change_status(conversation, status=Status.OPEN, actor=agent)

    with pytest.raises(DomainError, match="next_step_required"):
        services.change_status(conversation, status=Status.WAITING_CUSTOMER, actor=agent)


def test_a_reply_without_any_next_step_is_refused(agent):
    conversation = new_conversation()

    with pytest.raises(DomainError, match="next_step_required"):
        services.reply(conversation, text="Looking into it.", actor=agent)
    assert conversation.messages.filter(kind="outbound").count() == 0


def test_closed_is_final_and_a_new_message_starts_a_follow_up(agent):
    conversation = owned_conversation(agent)
    services.change_status(conversation, status=Status.CLOSED, actor=agent)

    with pytest.raises(DomainError, match="closed_is_final"):
        services.change_status(conversation, status=Status.OPEN, actor=agent)
    message = services.receive_message(
        channel="email", text="It broke again.", customer=conversation.customer, conversation=conversation
    )

    assert message.conversation_id != conversation.pk
    assert message.conversation.subject.startswith("Follow-up:")


def test_solved_reopens_on_customer_message_and_counts_it(agent):
    conversation = owned_conversation(agent)
    services.change_status(conversation, status=Status.SOLVED, actor=agent)

    services.receive_message(
        channel="email", text="Not fixed", customer=conversation.customer, conversation=conversation
    )
    conversation.refresh_from_db()

    assert (conversation.status, conversation.reopen_count) == (Status.OPEN, 1)


def test_status_change_writes_an_event_with_before_and_after(agent):
    conversation = owned_conversation(agent)

    services.change_status(conversation, status=Status.SOLVED, actor=agent)

    event = Event.objects.filter(conversation=conversation, kind="status.changed").latest("id")
    assert (event.actor, event.before, event.after) == (agent, {"status": "open"}, {"status": "solved"})


def test_hand_off_moves_owner_counts_it_and_emails_new_owner(
    agent, other_agent, mailoutbox, django_capture_on_commit_callbacks
):
    conversation = owned_conversation(agent)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.hand_off(conversation, to_agent=other_agent, note="Billing expert", actor=agent)

    assert (result.owner, result.handoff_count) == (other_agent, 1)
    assert Handoff.objects.get(conversation=conversation).note == "Billing expert"
    assert [m.to for m in mailoutbox] == [[other_agent.email]]


def test_hand_off_without_note_is_refused(agent, other_agent):
    with pytest.raises(DomainError, match="handoff_note_required"):
        services.hand_off(owned_conversation(agent), to_agent=other_agent, note=" ", actor=agent)


def test_assigning_an_owned_conversation_is_a_handoff(agent, other_agent):
    conversation = owned_conversation(agent)

    with pytest.raises(DomainError, match="handoff_note_required"):
        services.assign_owner(conversation, to_agent=other_agent, actor=agent)


def test_agent_cannot_take_someone_elses_conversation(agent, other_agent):
    conversation = owned_conversation(other_agent)

    with pytest.raises(Forbidden):
        services.hand_off(conversation, to_agent=agent, note="I'll take it", actor=agent)


def test_lead_can_reassign_any_conversation(agent, other_agent, lead):
    conversation = owned_conversation(agent)

    result = services.assign_owner(conversation, to_agent=other_agent, actor=lead, note="Maya is off sick")

    assert result.owner == other_agent


def test_agent_may_take_an_unowned_conversation_but_not_assign_it_to_others(agent, other_agent):
    conversation = new_conversation()

    with pytest.raises(Forbidden):
        services.assign_owner(conversation, to_agent=other_agent, actor=agent)
    assert services.assign_owner(conversation, to_agent=agent, actor=agent).owner == agent


def test_next_step_is_one_trimmed_sentence(agent):
    conversation = owned_conversation(agent)

    result = services.set_next_step(conversation, text="  We   send the fix Friday  ", actor=agent, by="us")

    assert result.next_step == "We send the fix Friday"
    with pytest.raises(DomainError, match="next_step_required"):
        services.set_next_step(conversation, text="  ", actor=agent)


def test_level_change_recomputes_the_clock(agent):
    conversation = owned_conversation(agent, level=4)
    slow_due = conversation.due_at

    conversation = services.change_level(conversation, level=1, actor=agent)

    assert conversation.due_at == conversation.last_heard_at + timedelta(minutes=30)
    assert conversation.due_at < slow_due


def test_invalid_level_is_refused(agent):
    with pytest.raises(DomainError, match="invalid_level"):
        services.change_level(owned_conversation(agent), level=9, actor=agent)


def test_merge_moves_messages_interleaved_and_closes_the_source(agent):
    first = owned_conversation(agent, email="dana@example.com", text="Export fails")
    second = new_conversation(email="dana@example.com", text="Also the PDF is blank")

    merged = services.merge_conversations(second, into=first, actor=agent)

    texts = list(
        Message.objects.filter(conversation=merged).order_by("created_at", "id").values_list("text", flat=True)
    )
    assert texts[0] == "Export fails" and texts[-1] == "Also the PDF is blank"
    second.refresh_from_db()
    assert (second.status, second.merged_into_id) == (Status.CLOSED, first.pk)
    assert merged.message_count == 3
    assert Event.objects.filter(conversation=first, kind="conversation.merged").exists()


def test_merge_refuses_different_customers(agent):
    with pytest.raises(DomainError, match="different_customers"):
        services.merge_conversations(new_conversation(), into=new_conversation(), actor=agent)


def test_agent_cannot_merge_conversations_owned_by_others(agent, other_agent, lead):
    first = owned_conversation(other_agent, email="dana@example.com")
    second = new_conversation(email="dana@example.com")

    with pytest.raises(Forbidden):
        services.merge_conversations(second, into=first, actor=agent)
    assert services.merge_conversations(second, into=first, actor=lead).pk == first.pk


def test_split_moves_one_customer_message_into_a_new_conversation(agent):
    conversation = owned_conversation(agent)
    extra = services.receive_message(
        channel="email",
        text="Unrelated: can I change my VAT number?",
        customer=conversation.customer,
        conversation=conversation,
    )

    new = services.split_message(extra, actor=agent)

    assert list(new.messages.values_list("text", flat=True)) == ["Unrelated: can I change my VAT number?"]
    assert (new.customer_id, new.owner) == (conversation.customer_id, agent)
    assert Event.objects.filter(conversation=conversation, kind="message.split_out").exists()


def test_split_refuses_the_only_message():
    conversation = new_conversation()
    only = conversation.messages.get()

    with pytest.raises(DomainError, match="split_last_message"):
        services.split_message(only, actor=AgentFactory())


def test_inbound_message_is_idempotent_on_external_id():
    first = services.receive_message(
        channel="email",
        text="Hello",
        identities=[("email", "a@example.com")],
        external_id="<abc@mail.example>",
    )
    again = services.receive_message(
        channel="email",
        text="Hello",
        identities=[("email", "a@example.com")],
        external_id="<abc@mail.example>",
    )

    assert first.pk == again.pk
    assert Message.objects.count() == 1


def test_inbound_html_is_sanitised():
    message = services.receive_message(
        channel="email",
        text="Hi",
        html='<p onclick="steal()">Hi <script>alert(1)</script><b>there</b></p>',
        identities=[("email", "a@example.com")],
    )

    assert "script" not in message.html and "onclick" not in message.html
    assert "<b>there</b>" in message.html


def test_moving_to_another_channel_keeps_the_conversation_and_records_it(agent):
    conversation = owned_conversation(agent, channel="chat")

    services.receive_message(
        channel="email", text="Writing by mail now", customer=conversation.customer, conversation=conversation
    )
    conversation.refresh_from_db()

    assert conversation.channel == "email"
    assert Event.objects.filter(conversation=conversation, kind="channel.changed").exists()


def test_reply_delivers_email_threaded_on_the_customer_message(agent, mailoutbox, django_capture_on_commit_callbacks):
    message = services.receive_message(
        channel="email",
        text="Help",
        identities=[("email", "dana@example.com")],
        external_id="<m1@mail.example>",
    )

    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(
            message.conversation, text="Here to help.", actor=agent, next_step="We check and write back"
        )

    reply.refresh_from_db()
    assert reply.delivery_status == "sent"
    sent = mailoutbox[0]
    assert sent.to == ["dana@example.com"]
    assert sent.extra_headers["In-Reply-To"] == "<m1@mail.example>"
    assert sent.extra_headers["Message-ID"] == reply.external_id


def test_presence_lists_other_viewers_until_they_go_quiet(agent, other_agent, settings):
    from unstuck.conversations import selectors
    from unstuck.conversations.models import Presence

    conversation = new_conversation()
    services.touch_presence(conversation, agent=other_agent, state="replying")

    present = selectors.list_present_agents(conversation, exclude=agent)
    assert [(p.agent, p.state) for p in present] == [(other_agent, "replying")]
    Presence.objects.update(last_seen=timezone.now() - timedelta(seconds=settings.PRESENCE_TTL_SECONDS + 1))
    assert selectors.list_present_agents(conversation, exclude=agent) == []
