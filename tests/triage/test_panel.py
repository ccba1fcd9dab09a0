"""The triage panel partial the conversation page includes."""

import pytest
from django.template.loader import render_to_string

from unstuck.triage import selectors

from .factories import inbound

pytestmark = pytest.mark.django_db


def test_panel_shows_reasons_confidence_version_and_burst():
    for text in ("I can't log in to my account", "Unable to sign in to my account"):
        inbound(text)
    decision = selectors.latest_decision(inbound("I can't login to my account, help").conversation)

    html = render_to_string("triage/_panel.html", {"decision": decision})

    assert "1 · Outage" in html
    assert "can&#x27;t login" in html or "can't login" in html
    assert decision.model_version in html
    assert "3 similar in 30 min" in html
    assert f"{round(decision.level_confidence * 100)}%" in html


def test_panel_without_a_decision_says_so():
    assert "Not triaged yet" in render_to_string("triage/_panel.html", {"decision": None})


def test_panel_says_which_level_the_conversation_keeps_and_who_set_it(agent):
    from unstuck.conversations import services as conversation_services

    conversation = inbound("How do I change my password?").conversation
    conversation = conversation_services.change_level(conversation, level=3, actor=agent)
    context = {
        "decision": selectors.latest_decision(conversation),
        "conversation": conversation,
        "level_set_by": selectors.level_set_by(conversation),
    }

    html = render_to_string("triage/_panel.html", context)

    assert "4 · Guidance" in html  # what triage read
    assert "The conversation is at" in html and "3 · Defect" in html
    assert f"{agent.display_name} set it" in html
