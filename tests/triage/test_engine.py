"""The reading of one message: cue phrases, urgency, temperature, signatures, and the starter model's reasons."""

from unstuck.triage import store
from unstuck.triage.engine.cues import find_cues, normalize
from unstuck.triage.engine.similarity import cosine, signature


def test_money_cues_keep_the_phrases_that_matched():
    cues = find_cues("I was charged twice for my order, please refund me")
    assert {"charged", "twice"} <= set(cues.level_phrases(2, limit=5))
    assert "refund" in cues.level_phrases(2, limit=5)


def test_curly_apostrophes_and_handles_do_not_hide_a_login_outage():
    assert normalize("@acme_help I can\u2019t log in") == "I can't log in"
    assert "login" in find_cues("@acme_help I can\u2019t log in since this morning").level[1]


def test_urgency_comes_from_the_customers_words():
    cues = find_cues("Please fix this ASAP, our payroll runs today")
    assert {"urgent", "deadline"} <= set(cues.urgency)
    assert find_cues("How do I export a report?").urgency == {}


def test_shouting_and_anger_are_temperature_signals():
    cues = find_cues("THIS IS A JOKE. YOU ARE USELESS AND I WANT ANSWERS!!!")
    assert cues.shouting
    assert "angry" in cues.temperature
    assert cues.repeated_punct == 1
    assert not find_cues("Thanks, that worked nicely.").shouting


def test_signatures_match_the_same_failure_in_different_words():
    a = signature("I can't log in to my account")
    b = signature("Unable to sign in to the account this morning")
    c = signature("Where can I download my invoice?")
    assert "cant_login" in a and "cant_login" in b
    assert cosine(a, b) > cosine(a, c)


def test_starter_model_levels_clear_messages_with_reasons():
    model = store.starter_model()
    money = model.read("I was charged twice for my subscription, please refund the extra charge.")
    assert money.level == 2
    assert "charged" in money.reasons["level"]
    outage = model.read("The whole site is down, nobody on our team can log in at all.")
    assert outage.level == 1
    assert model.version.startswith("starter-")
    angry = model.read("THIS IS UNACCEPTABLE. YOU ARE USELESS, I WANT MY MONEY BACK NOW!!!")
    assert angry.temperature == "hot"
    assert angry.urgent
    calm = model.read("How do I change the email address on my account?")
    assert (calm.level, calm.temperature, calm.urgent) == (4, "calm", False)


def test_one_message_fast_path_equals_the_batch_path():
    """Live triage scores one text without sklearn's per-call validation: it must agree with the batch path."""
    import numpy as np

    from unstuck.triage.engine.hierarchy import load_starter

    model = store.starter_model()
    texts = [e.text for e in load_starter()[::25]] + ["@brand can\u2019t log in!!! \U0001f621", "", "x" * 5000]
    for classifier in (model.level_model, model.temperature_model, model.urgent_model):
        X = classifier._blocks(texts, None, fit=False)
        batch = classifier._to_probabilities(np.asarray(classifier.model.decision_function(X)))
        if classifier.loss != "svm":
            assert np.allclose(batch, classifier.model.predict_proba(X), atol=1e-9)
        one = np.vstack([classifier.probabilities([t]) for t in texts])
        assert np.allclose(batch, one, atol=1e-9)
    assert model.level_model.top_terms("charged twice, refund please", 2)
