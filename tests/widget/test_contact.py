"""The public contact form: filing, attachments, spam protection and an honest confirmation."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from unstuck.conversations.models import Attachment, Channel, Conversation
from unstuck.widget import expectation

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form(**overrides):
    data = {
        "name": "Dana Example",
        "email": "dana@example.com",
        "subject": "Export button does nothing",
        "message": "When I click Export on the reports page nothing happens.",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_page_is_public_with_a_honeypot_and_the_help_suggest_hook(client: Client):
    page = client.get("/contact/").content.decode()

    assert 'name="website"' in page and 'class="hp" aria-hidden="true"' in page
    assert "data-help-suggest" in page
    assert "core/base.html" not in page and "sidebar" not in page


def test_a_message_becomes_a_web_conversation_and_the_confirmation_gives_reference_and_promise(client: Client):
    response = client.post("/contact/", form())

    conversation = Conversation.objects.get()
    assert conversation.channel == Channel.WEB
    assert conversation.subject == "Export button does nothing"
    assert conversation.customer.identities.get().value == "dana@example.com"
    assert conversation.customer.name == "Dana Example"

    page = client.get(response["Location"]).content.decode()
    assert f"#{conversation.pk}" in page
    promise = expectation.due_phrase(conversation.first_reply_due, now=conversation.created_at)
    assert f'We will reply <time datetime="{conversation.first_reply_due.isoformat()}">{promise}</time>' in page


@time_machine.travel(datetime(2026, 3, 6, 15, 0, tzinfo=UTC), tick=False)  # a Friday afternoon
def test_on_friday_afternoon_the_promise_is_monday_morning_in_business_hours(client: Client):
    response = client.post("/contact/", form(subject="Question about reports", message="How do I share a report?"))
    conversation = Conversation.objects.get()

    page = client.get(response["Location"]).content.decode()

    # Untriaged or a defect: 4 business hours; 2 left on Friday (until 17:00), 2 more on Monday from 09:00.
    if conversation.level in (None, 3):
        assert "by Monday 11:00" in page
        assert "within 4 business hours of your message" in page
    assert expectation.due_phrase(conversation.first_reply_due, now=datetime.now(UTC)) in page


def test_due_phrases_speak_in_the_customers_terms():
    now = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)  # a Wednesday
    assert expectation.due_phrase(datetime(2026, 3, 4, 13, 30, tzinfo=UTC), now=now) == "today by 13:30"
    assert expectation.due_phrase(datetime(2026, 3, 5, 10, 0, tzinfo=UTC), now=now) == "tomorrow by 10:00"
    assert expectation.due_phrase(datetime(2026, 3, 9, 11, 0, tzinfo=UTC), now=now) == "by Monday 11:00"
    assert expectation.due_phrase(datetime(2026, 3, 20, 9, 0, tzinfo=UTC), now=now) == "by 20 March, 09:00"
    assert expectation.target_phrase(1) == "within 15 minutes"
    assert expectation.target_phrase(2) == "within 1 hour"
    assert expectation.target_phrase(None) == "within 4 business hours"
    assert expectation.target_phrase(4) == "within 1 business day"


def test_a_filled_honeypot_looks_like_success_but_files_nothing(client: Client):
    response = client.post("/contact/", form(website="http://cheap-pills.example"))

    assert response.status_code == 302
    assert Conversation.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "Thanks" in page and "Your reference" not in page


def test_too_many_messages_from_one_email_are_refused_with_a_readable_message(client: Client, settings):
    settings.CONTACT_PER_EMAIL_HOUR = 2
    for n in range(2):
        assert client.post("/contact/", form(subject=f"Question {n}")).status_code == 302

    response = client.post("/contact/", form(subject="Question 3"))

    assert response.status_code == 429
    assert "several messages from you in the last hour" in response.content.decode()
    assert Conversation.objects.count() == 2
    assert 'value="Question 3"' in response.content.decode()  # nothing the person typed is lost


def test_too_many_messages_from_one_ip_are_refused(client: Client, settings):
    settings.CONTACT_PER_IP_HOUR = 2
    for n in range(2):
        client.post("/contact/", form(email=f"person{n}@example.com"))

    response = client.post("/contact/", form(email="person9@example.com"))

    assert response.status_code == 429
    assert Conversation.objects.count() == 2


def test_allowed_attachments_are_stored_on_the_message(client: Client):
    files = [
        SimpleUploadedFile("screen shot.png", PNG, content_type="application/x-anything"),
        SimpleUploadedFile("export.log", b"ERROR export failed\n", content_type="text/plain"),
    ]
    client.post("/contact/", {**form(), "attachments": files})

    stored = Attachment.objects.order_by("filename")
    assert [(a.filename, a.content_type, a.size) for a in stored] == [
        ("export.log", "text/plain", 20),
        ("screen_shot.png", "image/png", len(PNG)),
    ]
    message = Conversation.objects.get().messages.get()
    assert all(a.message == message for a in stored)
    assert stored[1].file.read() == PNG


@pytest.mark.parametrize(
    ("files", "setting", "error"),
    [
        ([("setup.exe", b"MZ")], {}, "is not a type we accept"),
        ([("big.png", PNG)], {"CONTACT_MAX_FILE_BYTES": 10}, "is larger than"),
        ([(f"s{n}.png", PNG) for n in range(3)], {"CONTACT_MAX_FILES": 2}, "Attach at most 2 files"),
        ([("a.png", PNG), ("b.png", PNG)], {"CONTACT_MAX_TOTAL_BYTES": 100}, "add up to more than"),
    ],
)
def test_attachments_over_the_limits_or_of_unsafe_types_are_refused(client: Client, settings, files, setting, error):
    for name, value in setting.items():
        setattr(settings, name, value)
    uploads = [SimpleUploadedFile(name, content) for name, content in files]

    response = client.post("/contact/", {**form(), "attachments": uploads})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert Conversation.objects.count() == 0 and Attachment.objects.count() == 0


def test_missing_fields_are_pointed_out(client: Client):
    response = client.post("/contact/", form(email="not-an-address", message=""))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="err-email"' in page and 'id="err-message"' in page
    assert Conversation.objects.count() == 0


def test_a_forged_confirmation_link_is_not_found(client: Client):
    assert client.get("/contact/sent/1/").status_code == 404
