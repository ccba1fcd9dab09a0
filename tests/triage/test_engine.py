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


def test_a_question_about_my_own_money_is_a_money_cue():
    """ "Where is the transfer I made?" asks about the customer's money, not about how transfers work."""
    assert "my_money" in find_cues("Where is my transfer from yesterday?").level[2]
    assert "my_money" not in find_cues("How long do transfers take?").level.get(2, {})


def test_bought_but_never_got_is_a_money_cue():
    cues = find_cues("@shop I bought the season pass last week and never got it")
    assert "paid_not_received" in cues.level[2]


def test_failing_to_reset_or_recover_a_password_is_a_login_outage_cue():
    assert "login" in find_cues("I am still unable to reset my password").level[1]
    assert "login" in find_cues("I lost my 2 step verification and can't sign in").level[1]


def test_one_refused_action_or_odd_behaviour_is_a_defect_not_an_outage():
    cues = find_cues("On the game it's not letting me accept missions online")
    assert "erratic" in cues.level[3]
    assert 1 not in cues.level
    assert "erratic" in find_cues("my PC wakes up randomly at night").level[3]


def test_message_shape_is_read():
    cues = find_cues("Hi, how do I log in when the code never arrives?")
    assert (cues.opening, cues.question, cues.first_person) == ("wh", True, True)
    terse = find_cues("Memory foam")
    assert (terse.n_words, terse.question, terse.level) == (2, False, {})


def test_weak_urgency_words_alone_do_not_make_a_message_urgent():
    assert set(find_cues("I tried to use my card again today but it wasn't working").urgency) == {"soon", "repeat"}
    model = store.starter_model()
    assert not model.read("I tried to use my card today but it wasn't working").urgent
    assert model.read("My card is not working and I need it fixed ASAP").urgent


def test_the_semantic_engine_also_listens_to_the_nearest_starter_messages():
    """Neighbour votes are balanced per level and sharpened by similarity: the closest messages dominate."""
    import numpy as np

    from unstuck.triage.engine.hierarchy import HierarchyModel

    model = HierarchyModel(engine="semantic")
    a, b = np.eye(4, dtype=np.float32)[0], np.eye(4, dtype=np.float32)[1]
    model.memory = np.vstack([a, a, b, b, b, b]).astype(np.float16)
    model.memory_levels = np.array([1, 1, 3, 3, 3, 3])
    model.memory_weights = np.ones(6)
    near_a = model._neighbour_vote(np.array([0.9, 0.1, 0, 0], dtype=np.float32), [1, 3])
    assert near_a[0] > 0.9
    # Level 3 has twice the messages, but equal similarity gives both levels the same share.
    even = model._neighbour_vote(np.array([0.7, 0.7, 0, 0], dtype=np.float32), [1, 3])
    assert np.allclose(even, [0.5, 0.5])


def test_semantic_retraining_encodes_only_the_messages_the_starter_model_has_not_seen(monkeypatch):
    """The starter set takes minutes to encode; a desk's retraining reuses the starter model's embeddings."""
    import numpy as np

    from unstuck.triage.engine import semantic
    from unstuck.triage.engine.hierarchy import HierarchyModel

    encoded: list[list[str]] = []

    def fake_encode(texts):  # the real encoder needs the optional extra, absent in CI
        encoded.append(list(texts))
        return np.ones((len(texts), 4), dtype=np.float32) / 2

    monkeypatch.setattr(semantic, "encode", fake_encode)
    known = HierarchyModel(engine="semantic")
    known.memory = np.eye(4, dtype=np.float16)[:3]
    vectors = HierarchyModel(engine="semantic")._embed(["s1", "s2", "s3", "desk label"], known)
    assert encoded == [["desk label"]]
    assert vectors.shape == (4, 4) and vectors[0, 0] == 1.0 and vectors[3, 0] == 0.5
    # Without a model that has seen them, everything is encoded.
    HierarchyModel(engine="semantic")._embed(["a", "b"], None)
    assert encoded[-1] == ["a", "b"]


def test_opening_one_thing_inside_a_working_product_is_not_an_outage_cue():
    assert "install" in find_cues("the app won't open since the update").level[1]
    assert 1 not in find_cues("the app won't open attachments from my email").level


def test_the_naive_bayes_reading_is_blended_into_the_level_and_matches_sklearn():
    """The one-text naive Bayes path must agree with sklearn's predict_proba; read() blends it with the SVM."""
    import numpy as np

    from unstuck.triage.engine.cues import normalize

    model = store.starter_model()
    texts = ["where is my refund", "app not opening", "love the new update", "how do I change my pin", ""]
    words = model.level_model.words.transform([normalize(t) for t in texts])
    batch = model.word_bayes.predict_proba(words)
    one = np.vstack([model._bayes_probabilities(t, [1, 2, 3, 4, 5]) for t in texts])
    assert np.allclose(batch, one, atol=1e-9)
    svm = model.level_model.probabilities(["where is my refund"])[0]
    blended = model.read("where is my refund").probabilities
    assert not np.allclose(svm, [blended[c] for c in (1, 2, 3, 4, 5)])


def test_asking_whether_others_have_the_failure_is_an_outage_cue():
    assert "others" in find_cues("@brand is it just me or is the app not loading?").level[1]
    assert "others" in find_cues("anyone else having issues logging in? #appdown").level[1]


def test_the_level_leans_from_outage_towards_defect(monkeypatch):
    """The guideline's burden of proof on outages: the odds of 3 over 1 grow by the engine's lean."""
    from unstuck.triage.engine import hierarchy

    model = store.starter_model()
    lean = hierarchy.LEVEL_LEAN["default"]
    text = "the app keeps crashing and now it won't load at all"
    leaned = model.read(text).probabilities
    monkeypatch.setattr(hierarchy, "LEVEL_LEAN", {})
    plain = model.read(text).probabilities
    ratio = (leaned[3] / leaned[1]) / (plain[3] / plain[1])
    assert lean.get(3, 1.0) / lean[1] > 1
    assert abs(ratio - lean.get(3, 1.0) / lean[1]) < 1e-6
    assert abs(sum(leaned.values()) - 1) < 1e-9
