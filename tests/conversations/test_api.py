"""The conversations REST API, /api/v1/conversations: create, list, read, change, messages and merge."""

from datetime import UTC, datetime, timedelta

import pytest

from unstuck.conversations import services
from unstuck.conversations.models import Category, Conversation, Handoff, Message

from .factories import api_create_body, new_conversation, owned_conversation

pytestmark = pytest.mark.django_db

# A Wednesday morning inside business hours, so business-time clocks are easy to read.
WEDNESDAY_10AM = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def thread(conversation: Conversation) -> list[tuple[str, str]]:
    return list(Message.objects.filter(conversation=conversation).values_list("kind", "text"))


def waiting_on_customer(owner, **kwargs) -> Conversation:
    conversation = owned_conversation(owner, **kwargs)
    return services.change_status(conversation, status="waiting_customer", actor=owner)


def list_subjects(api, **params) -> list[str]:
    response = api.get("/conversations", **params)
    assert response.status_code == 200, response.json()
    return [item["subject"] for item in response.json()["items"]]


# POST /conversations


def test_create_files_the_first_message_under_the_customers_identity(api):
    response = api.post("/conversations", api_create_body())

    assert response.status_code == 201
    body = response.json()
    assert (body["subject"], body["status"], body["channel"], body["message_count"]) == (
        "Export button does nothing",
        "new",
        "api",
        1,
    )
    assert body["customer"]["name"] == "Dana Example"
    conversation = Conversation.objects.get(pk=body["id"])
    assert thread(conversation) == [("inbound", "The export button does nothing when I click it.")]
    assert conversation.customer_id == body["customer"]["id"]
    assert list(conversation.customer.identities.values_list("kind", "value")) == [("email", "dana@example.com")]


def test_second_conversation_with_the_same_email_lands_on_the_same_customer(api):
    first = api.post("/conversations", api_create_body()).json()
    second = api.post("/conversations", api_create_body(subject="Invoice is wrong", text="My invoice is wrong.")).json()

    assert second["customer"]["id"] == first["customer"]["id"]
    assert second["id"] != first["id"]
    assert Conversation.objects.filter(customer_id=first["customer"]["id"]).count() == 2


def test_create_applies_level_perceived_urgency_and_category_by_name(api):
    Category.objects.create(name="Refunds")

    response = api.post("/conversations", api_create_body(level=2, perceived_urgency=3, category="Refunds"))

    assert response.status_code == 201
    body = response.json()
    assert (body["level"], body["level_name"], body["perceived_urgency"], body["category"]) == (
        2,
        "Money",
        3,
        "Refunds",
    )
    conversation = Conversation.objects.get(pk=body["id"])
    assert (conversation.level, conversation.perceived_urgency, conversation.category.name) == (2, 3, "Refunds")


def test_create_with_an_unknown_category_is_404_and_creates_nothing(api):
    response = api.post("/conversations", api_create_body(category="Nope"))

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "The category 'Nope' was not found."}
    assert not Conversation.objects.exists()


def test_first_reply_is_due_by_the_more_urgent_of_level_and_perceived_urgency(api):
    response = api.post("/conversations", api_create_body(level=4, perceived_urgency=1))

    body = response.json()
    assert at(body["first_reply_due"]) == at(body["created_at"]) + timedelta(minutes=15)
    assert body["due_at"] == body["first_reply_due"]


def test_same_external_id_twice_files_one_message(api):
    first = api.post("/conversations", api_create_body(external_id="form-881"))
    second = api.post("/conversations", api_create_body(external_id="form-881"))

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] == first.json()["id"]
    assert Message.objects.count() == 1


# GET /conversations: views and filters


@pytest.fixture
def desk(agent, other_agent):
    """One conversation in each inbox situation, named by its subject."""
    new_conversation(subject="Unassigned")
    owned_conversation(agent, subject="Mine open")
    owned_conversation(other_agent, subject="Theirs open")
    waiting_on_customer(agent, subject="Mine waiting")
    services.change_status(owned_conversation(agent, subject="Mine solved"), status="solved", actor=agent)


@pytest.mark.parametrize(
    ("view", "subjects"),
    [
        ("mine", ["Mine open", "Mine waiting"]),
        ("unassigned", ["Unassigned"]),
        ("open", ["Mine open", "Mine waiting", "Theirs open", "Unassigned"]),
        ("waiting", ["Mine waiting"]),
        ("solved", ["Mine solved"]),
    ],
)
def test_list_view_shows_only_its_conversations(api, desk, view, subjects):
    assert sorted(list_subjects(api, view=view)) == subjects


def test_list_filters_by_level(api):
    new_conversation(subject="Outage", level=1)
    new_conversation(subject="Defect", level=3)

    assert list_subjects(api, level=1) == ["Outage"]


def test_list_filters_by_status(api, agent):
    owned_conversation(agent, subject="Open one")
    waiting_on_customer(agent, subject="Waiting one")

    assert list_subjects(api, status="waiting_customer") == ["Waiting one"]


def test_list_filters_by_owner(api, agent, other_agent):
    owned_conversation(agent, subject="Maya's")
    owned_conversation(other_agent, subject="Tom's")

    assert list_subjects(api, owner_id=other_agent.pk) == ["Tom's"]


def test_list_filters_by_channel(api):
    new_conversation(subject="By chat", channel="chat")
    new_conversation(subject="By email", channel="email")

    assert list_subjects(api, channel="chat") == ["By chat"]


def test_list_filters_by_customer(api):
    dana = new_conversation(subject="Dana's", email="dana@example.com")
    new_conversation(subject="Lee's", email="lee@example.com")

    assert list_subjects(api, customer_id=dana.customer_id) == ["Dana's"]


def test_list_overdue_shows_only_conversations_past_their_due_time(api, time_machine):
    time_machine.move_to(WEDNESDAY_10AM, tick=False)
    new_conversation(subject="Outage at ten", level=1)  # first reply due 10:15
    time_machine.move_to(WEDNESDAY_10AM + timedelta(minutes=20), tick=False)
    new_conversation(subject="Outage at twenty past", level=1)  # first reply due 10:35

    assert list_subjects(api, overdue=True) == ["Outage at ten"]


def test_list_puts_earliest_due_first_and_conversations_without_a_clock_last(api, agent):
    waiting_on_customer(agent, subject="Waiting, clock paused")
    # Different texts: identical ones would read as a burst and pull the first replies earlier.
    new_conversation(subject="Defect", level=3, text="The PDF preview shows the wrong logo.")  # 4 business hours
    new_conversation(subject="Money", level=2, text="Could you resend last month's invoice?")  # 60 minutes
    new_conversation(subject="Outage", level=1, text="The dashboard shows a blank page for me.")  # 15 minutes

    assert list_subjects(api) == ["Outage", "Money", "Defect", "Waiting, clock paused"]


# Token lookup, token stamp, the due group, its customers' identities (one prefetch), the undated group.
LIST_QUERIES = 5


def test_list_page_costs_the_same_queries_however_many_conversations(api, django_assert_num_queries):
    for _ in range(3):
        new_conversation(name="Dana Example")

    with django_assert_num_queries(LIST_QUERIES):
        api.get("/conversations")


def test_list_page_of_nameless_customers_costs_the_same_queries(api, django_assert_num_queries):
    for _ in range(3):
        new_conversation(name="")

    with django_assert_num_queries(LIST_QUERIES):
        api.get("/conversations")


def walk(api, **params) -> list[int]:
    ids: list[int] = []
    cursor = None
    for _ in range(20):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = api.get("/conversations", **query).json()
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the cursor never ran out")


def test_cursor_walks_every_conversation_once_across_due_and_undated_groups(api, agent):
    undated = [waiting_on_customer(agent, subject=f"Waiting {n}").pk for n in (1, 2)]
    dated = [new_conversation(subject=f"Outage {n}", level=1).pk for n in (1, 2, 3)]

    assert walk(api, limit=2) == dated + undated


def test_cursor_does_not_skip_older_undated_conversations_when_due_ones_fill_a_page(api, agent):
    undated = [waiting_on_customer(agent, subject=f"Waiting {n}").pk for n in (1, 2)]
    dated = [new_conversation(subject=f"Outage {n}", level=1).pk for n in (1, 2)]

    assert walk(api, limit=2) == dated + undated


def test_list_with_a_made_up_cursor_is_400_invalid_cursor(api):
    response = api.get("/conversations", cursor="d|yesterday|1")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


# GET /conversations/{id}


def test_get_returns_the_conversation(api):
    conversation = new_conversation(subject="Export button does nothing", name="Dana Example")

    response = api.get(f"/conversations/{conversation.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["subject"], body["customer"]) == (
        conversation.pk,
        "Export button does nothing",
        {"id": conversation.customer_id, "name": "Dana Example"},
    )


def test_get_a_missing_conversation_is_404_not_found(api):
    response = api.get("/conversations/999999")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Conversation 999999 was not found."}


# PATCH /conversations/{id}


def test_patch_sets_the_next_step(api, agent):
    conversation = owned_conversation(agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"next_step": "Maya ships the fix on Friday"})

    assert response.status_code == 200
    assert response.json()["next_step"] == "Maya ships the fix on Friday"
    conversation.refresh_from_db()
    assert conversation.next_step == "Maya ships the fix on Friday"


def test_patch_status_open_without_an_owner_is_refused(api):
    conversation = new_conversation()

    response = api.patch(f"/conversations/{conversation.pk}", {"status": "open"})

    assert response.status_code == 400
    assert response.json()["code"] == "owner_required"
    conversation.refresh_from_db()
    assert conversation.status == "new"


def test_patch_owner_and_status_together_opens_a_new_conversation(api, agent):
    conversation = new_conversation()

    response = api.patch(f"/conversations/{conversation.pk}", {"owner_id": agent.pk, "status": "open"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["owner"]["id"]) == ("open", agent.pk)


def test_patch_cannot_reopen_a_closed_conversation(api, agent):
    conversation = services.change_status(owned_conversation(agent), status="closed", actor=agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"status": "open"})

    assert response.status_code == 400
    assert response.json()["code"] == "closed_is_final"
    conversation.refresh_from_db()
    assert conversation.status == "closed"


def test_patch_waiting_on_customer_without_a_next_step_is_refused(api, agent):
    conversation = new_conversation()
    services.assign_owner(conversation, to_agent=agent, actor=agent)
    services.change_status(conversation, status="open", actor=agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"status": "waiting_customer"})

    assert response.status_code == 400
    assert response.json()["code"] == "next_step_required"
    conversation.refresh_from_db()
    assert conversation.status == "open"


def test_patch_changes_the_level(api, agent):
    conversation = owned_conversation(agent, level=3)

    response = api.patch(f"/conversations/{conversation.pk}", {"level": 1})

    assert (response.json()["level"], response.json()["level_name"]) == (1, "Outage")
    conversation.refresh_from_db()
    assert conversation.level == 1


def test_patch_sets_the_category_by_name(api, agent):
    Category.objects.create(name="Refunds")
    conversation = owned_conversation(agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"category": "Refunds"})

    assert response.json()["category"] == "Refunds"
    conversation.refresh_from_db()
    assert conversation.category.name == "Refunds"


def test_patch_sets_the_temperature(api, agent):
    conversation = owned_conversation(agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"temperature": "hot"})

    assert response.json()["temperature"] == "hot"
    conversation.refresh_from_db()
    assert conversation.temperature == "hot"


def test_patch_sets_the_perceived_urgency(api, agent):
    conversation = owned_conversation(agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"perceived_urgency": 1})

    assert response.json()["perceived_urgency"] == 1
    conversation.refresh_from_db()
    assert conversation.perceived_urgency == 1


def test_patch_owner_lets_an_agent_take_an_unowned_conversation(api, agent):
    conversation = new_conversation()

    response = api.patch(f"/conversations/{conversation.pk}", {"owner_id": agent.pk})

    assert response.status_code == 200
    assert response.json()["owner"] == {"id": agent.pk, "name": "Maya Lind"}
    conversation.refresh_from_db()
    assert conversation.owner == agent


def test_patch_changing_the_owner_without_a_handoff_note_is_refused(api, agent, other_agent):
    conversation = owned_conversation(agent)

    response = api.patch(f"/conversations/{conversation.pk}", {"owner_id": other_agent.pk})

    assert response.status_code == 400
    assert response.json()["code"] == "handoff_note_required"
    conversation.refresh_from_db()
    assert (conversation.owner, conversation.handoff_count) == (agent, 0)


def test_patch_changing_the_owner_with_a_note_hands_off_and_counts_it(api, agent, other_agent):
    conversation = owned_conversation(agent)

    response = api.patch(
        f"/conversations/{conversation.pk}", {"owner_id": other_agent.pk, "handoff_note": "Tom knows billing"}
    )

    assert response.status_code == 200
    assert (response.json()["owner"]["id"], response.json()["handoff_count"]) == (other_agent.pk, 1)
    assert list(Handoff.objects.values_list("from_agent", "to_agent", "note")) == [
        (agent.pk, other_agent.pk, "Tom knows billing")
    ]


def test_patch_owner_to_a_missing_agent_is_404(api):
    conversation = new_conversation()

    response = api.patch(f"/conversations/{conversation.pk}", {"owner_id": 999999})

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Agent 999999 was not found."}
    conversation.refresh_from_db()
    assert conversation.owner is None


# Messages


def test_list_messages_returns_the_thread_in_time_order(api, agent, time_machine):
    time_machine.move_to(WEDNESDAY_10AM, tick=False)
    conversation = new_conversation(text="The export does nothing.")
    time_machine.move_to(WEDNESDAY_10AM + timedelta(minutes=5), tick=False)
    services.reply(conversation, text="Which browser do you use?", actor=agent, next_step="We check and write back")
    time_machine.move_to(WEDNESDAY_10AM + timedelta(minutes=6), tick=False)
    services.add_note(conversation, text="Probably the Safari bug.", actor=agent)
    time_machine.move_to(WEDNESDAY_10AM + timedelta(minutes=9), tick=False)
    services.receive_message(
        channel="email", text="Safari 17.", customer=conversation.customer, conversation=conversation
    )

    response = api.get(f"/conversations/{conversation.pk}/messages")

    assert response.status_code == 200
    assert [(m["kind"], m["author"], m["text"]) for m in response.json()] == [
        ("inbound", "Dana Example", "The export does nothing."),
        ("outbound", "Maya Lind", "Which browser do you use?"),
        ("note", "Maya Lind", "Probably the Safari bug."),
        ("inbound", "Dana Example", "Safari 17."),
    ]


def test_reply_opens_a_new_conversation_and_makes_the_replier_its_owner(api, agent):
    conversation = new_conversation(channel="chat")

    response = api.post(
        f"/conversations/{conversation.pk}/messages",
        {"kind": "reply", "text": "On it.", "next_step": "We check and write back"},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["author_agent_id"], body["text"], body["channel"]) == (
        "outbound",
        agent.pk,
        "On it.",
        "chat",
    )
    conversation.refresh_from_db()
    assert (conversation.status, conversation.owner, conversation.reply_count) == ("open", agent, 1)


def test_chat_reply_is_marked_sent_without_sending_mail(api, django_capture_on_commit_callbacks, mailoutbox):
    conversation = new_conversation(channel="chat")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/conversations/{conversation.pk}/messages", {"text": "On it.", "next_step": "We check and write back"}
        )

    assert Message.objects.get(pk=response.json()["id"]).delivery_status == "sent"
    assert mailoutbox == []


def test_first_email_reply_is_mailed_to_the_customer_without_in_reply_to(
    api, django_capture_on_commit_callbacks, mailoutbox
):
    conversation = new_conversation(channel="email", email="dana@example.com", subject="Export button")

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/conversations/{conversation.pk}/messages",
            {"text": "Fixed, please retry.", "next_step": "We check and write back"},
        )

    [mail] = mailoutbox
    assert (mail.to, mail.subject, mail.body) == (
        ["dana@example.com"],
        f"Re: Export button [#{conversation.pk}]",
        "Fixed, please retry.",
    )
    assert "In-Reply-To" not in mail.extra_headers
    message = Message.objects.get(pk=response.json()["id"])
    assert (message.delivery_status, message.external_id) == ("sent", mail.extra_headers["Message-ID"])


def test_second_email_reply_threads_on_the_first(api, django_capture_on_commit_callbacks, mailoutbox):
    conversation = new_conversation(channel="email")

    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            f"/conversations/{conversation.pk}/messages",
            {"text": "Looking into it.", "next_step": "We check and write back"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            f"/conversations/{conversation.pk}/messages",
            {"text": "Fixed, please retry.", "next_step": "We check and write back"},
        )

    first, second = mailoutbox
    assert second.extra_headers["In-Reply-To"] == first.extra_headers["Message-ID"]


def test_note_is_kept_internal_and_leaves_the_clock_alone(api, mailoutbox, django_capture_on_commit_callbacks):
    conversation = new_conversation()

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/conversations/{conversation.pk}/messages", {"kind": "note", "text": "Safari bug?"})

    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["delivery_status"]) == ("note", "")
    after = Conversation.objects.get(pk=conversation.pk)
    assert (after.due_at, after.status, after.owner, after.message_count) == (conversation.due_at, "new", None, 1)
    assert mailoutbox == []


def test_customer_message_reopens_a_conversation_waiting_on_the_customer(api, agent):
    conversation = waiting_on_customer(agent)

    response = api.post(f"/conversations/{conversation.pk}/messages", {"kind": "customer", "text": "Still broken."})

    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["author_customer_id"]) == ("inbound", conversation.customer_id)
    conversation.refresh_from_db()
    assert (conversation.status, conversation.due_at is not None) == ("open", True)


@pytest.fixture
def customer_wrote_again(agent):
    """A conversation whose customer wrote a second message after the one the agent has seen."""
    conversation = new_conversation()
    seen = Message.objects.get(conversation=conversation)
    services.receive_message(
        channel="email", text="Also, the PDF is empty.", customer=conversation.customer, conversation=conversation
    )
    return conversation, seen


def test_reply_written_before_a_newer_customer_message_is_held(api, customer_wrote_again):
    conversation, seen = customer_wrote_again

    response = api.post(
        f"/conversations/{conversation.pk}/messages",
        {"text": "Fixed!", "seen_message_id": seen.pk, "next_step": "We check and write back"},
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "reply_held",
        "detail": "1 new message arrived while you were writing (from Dana Example). Read it, then send again.",
    }
    assert not Message.objects.filter(text="Fixed!").exists()


def test_held_reply_goes_out_when_forced(api, customer_wrote_again):
    conversation, seen = customer_wrote_again

    response = api.post(
        f"/conversations/{conversation.pk}/messages",
        {"text": "Fixed!", "seen_message_id": seen.pk, "force": True, "next_step": "We check and write back"},
    )

    assert response.status_code == 201
    assert Message.objects.get(text="Fixed!").conversation == conversation


# POST /conversations/{id}/merge


def test_merge_moves_the_messages_and_closes_the_source(api):
    into = new_conversation(email="dana@example.com", text="The export does nothing.")
    source = new_conversation(email="dana@example.com", text="Still no export.")

    response = api.post(f"/conversations/{source.pk}/merge", {"into_id": into.pk})

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["message_count"]) == (into.pk, 2)
    assert thread(into) == [("inbound", "The export does nothing."), ("inbound", "Still no export.")]
    source.refresh_from_db()
    assert (source.status, source.merged_into_id, source.message_count) == ("closed", into.pk, 0)


def test_merge_of_different_customers_is_refused(api):
    into = new_conversation(email="dana@example.com")
    source = new_conversation(email="lee@example.com", text="Still no export.")

    response = api.post(f"/conversations/{source.pk}/merge", {"into_id": into.pk})

    assert response.status_code == 400
    assert response.json()["code"] == "different_customers"
    assert thread(source) == [("inbound", "Still no export.")]
    source.refresh_from_db()
    assert (source.status, source.merged_into_id) == ("new", None)
