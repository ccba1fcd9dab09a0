"""The semantic engine's fine-tuned encoder: what it learns, how desk models share it, how read() blends it."""

import pickle

import numpy as np
import pytest

from unstuck.triage import store
from unstuck.triage.engine import hierarchy, semantic, tuning
from unstuck.triage.engine.hierarchy import Example, HierarchyModel

needs_semantic = pytest.mark.skipif(not semantic.available(), reason="the semantic extra is not installed")


class FixedReading:
    """Stands in for a TunedReader: always reads level 5."""

    def probabilities(self, text: str, classes: list[int]) -> np.ndarray:
        return np.array([1.0 if c == 5 else 0.0 for c in classes])


def fake_encoder(monkeypatch) -> None:
    """No real encoder and no fine-tuning, with or without the extra installed."""
    monkeypatch.setattr(semantic, "encode", unit_vectors)
    monkeypatch.setattr(semantic, "available", lambda: False)


def unit_vectors(texts: list[str], **_: object) -> np.ndarray:
    rows = [np.random.default_rng(sum(map(ord, t))).standard_normal(8) for t in texts]
    vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), 8)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


EXAMPLES = [
    Example("the whole site is down for everyone", 1),
    Example("nothing loads at all, service is dead", 1),
    Example("I was charged twice for one order", 2),
    Example("where is my refund", 2),
    Example("the export button gives an error", 3),
    Example("my card keeps getting declined at shops", 3),
    Example("how do I change my email address", 4),
    Example("where can I find my invoices", 4),
    Example("please add a dark mode", 5),
    Example("love the new update, great work", 5),
]


def test_read_blends_the_tuned_reading_by_its_share(monkeypatch):
    fake_encoder(monkeypatch)
    monkeypatch.setattr(hierarchy, "LEVEL_LEAN", {})
    model = HierarchyModel(engine="semantic").fit(EXAMPLES)
    text = "the export button gives an error again"
    plain = model.read(text).probabilities
    model.tuned = FixedReading()  # type: ignore[assignment]
    blended = model.read(text).probabilities
    for level in range(1, 6):
        expected = (1 - hierarchy.TUNED_SHARE) * plain[level] + hierarchy.TUNED_SHARE * (level == 5)
        assert blended[level] == pytest.approx(expected)


def test_a_desk_model_shares_the_starter_models_tuned_encoder_without_storing_it(monkeypatch):
    """45 MB of encoder weights are stored once, with the starter model, not with every desk version."""
    fake_encoder(monkeypatch)
    starter = HierarchyModel(engine="semantic").fit(EXAMPLES)
    starter.tuned = FixedReading()  # type: ignore[assignment]
    desk = HierarchyModel(engine="semantic", version="desk-1").fit(
        [*EXAMPLES, Example("the widget export is broken", 3)], known=starter
    )
    assert desk.tuned is starter.tuned and desk.tuned_shared
    assert pickle.loads(pickle.dumps(desk)).tuned is None
    assert pickle.loads(pickle.dumps(starter)).tuned is not None  # the starter model keeps its own


@pytest.mark.django_db
def test_loading_a_stored_desk_model_attaches_the_starter_models_tuned_encoder(monkeypatch):
    fake_encoder(monkeypatch)
    starter = HierarchyModel(engine="semantic").fit(EXAMPLES)
    starter.tuned = FixedReading()  # type: ignore[assignment]
    desk = HierarchyModel(engine="semantic", version="desk-2").fit(EXAMPLES, known=starter)
    row = store.save(
        kind="hierarchy",
        engine="semantic",
        model=desk,
        version="desk-2",
        metrics={},
        n_labels=1,
        last_label_id=1,
        active=True,
    )
    store.clear_cache()
    monkeypatch.setattr(store, "starter_model", lambda engine="default": starter)
    loaded = store._load_row(row.pk, "desk-2")
    assert loaded.tuned is starter.tuned
    store.clear_cache()


@needs_semantic
def test_fine_tuning_learns_the_levels_and_survives_a_restart():
    texts = [e.text for e in EXAMPLES] * 4
    levels = [e.level for e in EXAMPLES] * 4
    reader = tuning.fine_tune(texts, levels, epochs=12)
    classes = [1, 2, 3, 4, 5]
    right = sum(int(np.argmax(reader.probabilities(e.text, classes))) + 1 == e.level for e in EXAMPLES)
    assert right >= 8
    again = pickle.loads(pickle.dumps(reader))  # float16 weights, encoder rebuilt on first use
    text = EXAMPLES[5].text
    assert np.allclose(again.probabilities(text, classes), reader.probabilities(text, classes), atol=1e-6)
    assert all(v.dtype != np.float32 for v in reader.state.values())
