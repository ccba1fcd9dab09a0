"""Learning from agents: corrections become labels, the category model activates, worse versions are refused."""

import pytest

from unstuck.conversations import services as conversation_services
from unstuck.triage import selectors, services
from unstuck.triage.models import ModelKind, TriageLabel, TriageModel
from unstuck.triage.services import learning

from .factories import category, corrected, inbound

pytestmark = pytest.mark.django_db

REFUNDS = [
    "I was charged twice, please refund the second payment",
    "Where is my refund for the returned order?",
    "Refund the duplicate charge on my card please",
    "I returned the item two weeks ago and still no refund",
    "Please refund my cancelled subscription",
    "The refund for order 1123 never reached my account",
]
PASSWORDS = [
    "I forgot my password and the reset email never comes",
    "How do I reset my password?",
    "The password reset link says it expired",
    "I need to change my password, the reset page fails",
    "Password reset email is not arriving",
    "Can you reset the password on my account?",
]


def test_a_correction_is_stored_as_a_label_on_the_first_customer_message(agent):
    refunds = category("Refund not received")
    conversation = corrected("Where is my refund?", refunds, actor=agent)
    inbound("Hello?", conversation=conversation)
    label = TriageLabel.objects.get(conversation=conversation)
    assert (label.field, label.category, label.text, label.actor) == ("category", refunds, "Where is my refund?", agent)

    conversation_services.change_level(conversation, level=1, actor=agent)
    assert TriageLabel.objects.get(conversation=conversation, field="level").value == "1"


def test_corrections_teach_the_category_model_and_change_later_predictions(agent, django_capture_on_commit_callbacks):
    refunds, passwords = category("Refund not received"), category("Password reset")
    before = selectors.latest_decision(inbound("My refund still has not arrived").conversation)
    assert before.category is None

    with django_capture_on_commit_callbacks(execute=True):
        for refund_text, password_text in zip(REFUNDS[:5], PASSWORDS[:5], strict=True):
            corrected(refund_text, refunds, actor=agent)
            corrected(password_text, passwords, actor=agent)

    model = TriageModel.objects.get(kind=ModelKind.CATEGORY, active=True)
    refund_case = inbound("Please send my refund, the order was returned").conversation
    password_case = inbound("The reset password email does not arrive").conversation
    refund_case.refresh_from_db()
    password_case.refresh_from_db()
    assert refund_case.category == refunds
    assert password_case.category == passwords
    decision = selectors.latest_decision(refund_case)
    assert decision.category_model_version == model.version
    assert "refund" in " ".join(decision.reasons["category"])
    # The decision made before the model existed keeps what it was.
    before.refresh_from_db()
    assert (before.category, before.category_model_version) == (None, "")


def test_a_category_needs_five_examples(agent):
    refunds, passwords = category("Refund not received"), category("Password reset")
    for text in REFUNDS[:5]:
        corrected(text, refunds, actor=agent)
    for text in PASSWORDS[:4]:
        corrected(text, passwords, actor=agent)
    assert services.retrain_category_model(engine="default") is None
    corrected(PASSWORDS[4], passwords, actor=agent)
    assert services.retrain_category_model(engine="default").active


def test_retraining_refuses_a_worse_model(agent):
    refunds, passwords = category("Refund not received"), category("Password reset")
    for refund_text, password_text in zip(REFUNDS, PASSWORDS, strict=True):
        corrected(refund_text, refunds, actor=agent)
        corrected(password_text, passwords, actor=agent)
    good = services.retrain_category_model(engine="default")
    assert good.active and good.metrics["held_out"]["accuracy"] == 1.0

    # New labels that contradict the desk's history: trained on, they would mislabel the held-out messages.
    for text in REFUNDS + PASSWORDS:
        conversation = inbound(text).conversation
        wrong = passwords if "refund" in text.lower() else refunds
        conversation_services.change_category(conversation, category=wrong, actor=agent)
    for label in TriageLabel.objects.filter(field="category"):
        if label.held_out:  # held-out labels stay true: they are the yardstick
            right = refunds if "refund" in label.text.lower() else passwords
            TriageLabel.objects.filter(pk=label.pk).update(category=right, value=str(right.pk))

    worse = services.retrain_category_model(engine="default")
    assert not worse.active
    assert worse.metrics["refused"]
    assert worse.metrics["held_out"]["accuracy"] < worse.metrics["previous"]["accuracy"]
    good.refresh_from_db()
    assert good.active
    assert TriageModel.objects.get(kind=ModelKind.CATEGORY, active=True) == good


def test_retraining_runs_in_the_background_after_enough_labels(agent, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(learning, "RETRAIN_EVERY", 4)
    monkeypatch.setattr(learning, "HIERARCHY_MIN_LABELS", 4)
    texts = ["The app is down for everyone", "Nobody can log in", "Site shows 502", "All users locked out"]
    with django_capture_on_commit_callbacks(execute=True):
        for text in texts:
            conversation = inbound(text).conversation
            conversation.refresh_from_db()
            other_level = conversation.level % 5 + 1  # any level other than triage's is a correction
            conversation_services.change_level(conversation, level=other_level, actor=agent)
    row = TriageModel.objects.get(kind=ModelKind.HIERARCHY)
    assert row.n_labels == 4
    assert row.metrics["previous_version"].startswith("starter-")


def test_nightly_retrain_picks_kinds_with_new_labels(agent):
    assert selectors.kinds_with_new_labels() == []
    corrected("Where is my refund?", category("Refund not received"), actor=agent)
    assert selectors.kinds_with_new_labels() == [ModelKind.CATEGORY]
