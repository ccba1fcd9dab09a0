"""The shared text classifier's word-pair block, the category model's settings and the sentence-embedding path."""

import csv
import pickle
import random
from pathlib import Path

import numpy as np
import pytest

from unstuck.triage.engine import evaluation, semantic, textmodel
from unstuck.triage.engine.category import CategoryModel
from unstuck.triage.engine.textmodel import MAX_PAIR_WORDS, TextClassifier, _dense_rows, word_pairs

FIXTURES = Path(__file__).parent / "fixtures"


def categories(name: str) -> tuple[list[str], list[str]]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def batch_probabilities(classifier: TextClassifier, texts: list[str]) -> np.ndarray:
    X = classifier._blocks(texts, None, fit=False)
    return classifier._to_probabilities(np.asarray(classifier.model.decision_function(X)))  # sklearn's own


def test_word_pairs_are_unordered_distinct_and_capped():
    pairs = word_pairs("My card did not arrive, the CARD never came")
    assert "arrive|card" in pairs and "card|my" in pairs
    assert "card|card" not in pairs and "card|arrive" not in pairs
    assert len(pairs) == len(set(pairs)) == 8 * 7 // 2  # my card did not arrive the never came
    long = " ".join(f"word{i}" for i in range(300))
    assert len(word_pairs(long)) == MAX_PAIR_WORDS * (MAX_PAIR_WORDS - 1) // 2
    assert word_pairs("") == [] and word_pairs("hello") == []


def conjunction_data(n: int, seed: int) -> tuple[list[str], list[str]]:
    """The label is whether "alpha" and "beta" appear together, words no linear model on single words can combine."""
    rng = random.Random(seed)
    texts, labels = [], []
    for _ in range(n):
        alpha, beta = rng.random() < 0.5, rng.random() < 0.5
        words = [f"filler{rng.randrange(40)}" for _ in range(4)] + ["alpha"] * alpha + ["beta"] * beta
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append("both" if alpha and beta else "not both")
    return texts, labels


def test_pairs_let_the_linear_model_learn_two_words_together():
    train, test = conjunction_data(400, 0), conjunction_data(200, 1)

    def accuracy(**options: object) -> float:
        model = TextClassifier(loss="svm", char=False, **options).fit(*train)  # type: ignore[arg-type]
        return float(np.mean([p == t for p, t in zip(model.predict(test[0]), test[1], strict=True)]))

    assert accuracy(pairs=1.0) >= 0.97
    assert accuracy() <= 0.93


@pytest.mark.parametrize("options", [{"loss": "svm", "svm_loss": "hinge", "pairs": 1.0}, {"pairs": 0.5}])
def test_one_message_fast_path_equals_the_batch_path_with_pairs(options):
    texts, labels = categories("categories_train.csv")
    classifier = TextClassifier(**options).fit(texts, labels)
    probe = categories("categories_test.csv")[0] + ["", "refund refund refund", "x " * 3000]
    one = np.vstack([classifier.probabilities([t]) for t in probe])
    assert np.allclose(batch_probabilities(classifier, probe), one, atol=1e-9)
    assert classifier.pairs is not None and len(classifier.pairs.vocabulary_) > 0


def test_fitting_again_forgets_the_previous_fast_path():
    texts, labels = categories("categories_train.csv")
    classifier = TextClassifier(loss="svm", pairs=1.0).fit(texts, labels)
    assert classifier.predict(["I was charged twice"]) == ["billing"]
    classifier.fit(["card declined", "refund my money"], ["card", "refund"])
    assert classifier.predict(["refund please"]) == ["refund"]
    classifier.fit(texts, labels)  # enough texts again: pairs seen once no longer count
    assert classifier.pairs is not None and classifier.pairs.min_df == 2


def test_pairs_cope_with_a_handful_of_training_texts():
    few = TextClassifier(loss="svm", pairs=1.0).fit(["card declined", "refund my money"], ["card", "refund"])
    assert few.pairs is not None and few.pairs.min_df == 1 and few.predict(["money refund please"]) == ["refund"]
    words = TextClassifier(loss="svm", pairs=1.0).fit(["card", "refund", "card"], ["card", "refund", "card"])
    assert words.pairs is None and words.predict(["refund"]) == ["refund"]
    assert np.allclose(words.probabilities(["refund"]), batch_probabilities(words, ["refund"]))


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_lean_fit_is_the_same_one_vs_rest_svm_in_float32(class_weight):
    texts, labels = categories("categories_train.csv")
    probe = categories("categories_test.csv")[0]
    full = TextClassifier(loss="svm", class_weight=class_weight).fit(texts, labels)
    lean = TextClassifier(loss="svm", class_weight=class_weight, lean=True).fit(texts, labels)
    assert lean.model.coef_.dtype == np.float32 and full.model.coef_.dtype == np.float64
    assert lean.classes_ == full.classes_ and lean.predict(probe) == full.predict(probe)
    margins = lean.model.decision_function(lean._blocks(probe, None, fit=False))
    assert np.allclose(margins, full.model.decision_function(full._blocks(probe, None, fit=False)), atol=1e-3)
    assert np.allclose(batch_probabilities(lean, probe), np.vstack([lean.probabilities([t]) for t in probe]))
    assert lean._fast_parts()[2].dtype == np.float32  # serving keeps the float32 weights, no float64 copy
    assert np.allclose(lean.probabilities(probe), batch_probabilities(lean, probe), atol=1e-9)  # own batch path


def test_lean_fit_gives_the_n_gram_counting_memory_back(monkeypatch):
    calls = []
    monkeypatch.setattr(textmodel, "give_back_freed_memory", lambda: calls.append(1))
    texts, labels = categories("categories_train.csv")
    TextClassifier(loss="svm", pairs=1.0).fit(texts, labels)
    assert calls == []
    TextClassifier(loss="svm", pairs=1.0, lean=True).fit(texts, labels)
    assert len(calls) == 3  # after the characters, after the pairs, after stacking the blocks
    textmodel.give_back_freed_memory()  # harmless where malloc_trim does not exist


def test_models_pickled_before_the_pairs_option_still_load():
    texts, labels = categories("categories_train.csv")
    classifier = TextClassifier(loss="svm").fit(texts, labels)
    state = classifier.__getstate__()
    for key in ("pairs", "pairs_weight", "svm_loss", "lean"):
        del state[key]
    old = TextClassifier.__new__(TextClassifier)
    old.__setstate__(state)
    restored = pickle.loads(pickle.dumps(old))
    assert restored.pairs is None and restored.svm_loss == "squared_hinge" and not restored.lean
    assert restored.predict(["I was charged twice"]) == classifier.predict(["I was charged twice"])


def test_category_model_default_engine_uses_word_pairs_and_the_hinge_loss():
    model = CategoryModel(engine="default").fit(*categories("categories_train.csv"))
    assert model.classifier.pairs is not None
    assert model.classifier.model.loss == "hinge" and model.classifier.model.coef_.dtype == np.float32
    assert model.guess("I was charged twice for my order").label == "billing"


def test_embeddings_become_the_same_sparse_block_without_the_coo_detour():
    vectors = np.random.default_rng(0).standard_normal((20, 8)).astype(np.float32)
    vectors[3, 5] = 0.0
    block = _dense_rows(vectors * 2.5)
    assert block.shape == (20, 8) and block.dtype == np.float32
    assert np.array_equal(block.toarray(), vectors * 2.5)


def test_category_model_semantic_engine_leans_on_the_embeddings():
    """Tuned on BANKING77 train splits: embeddings weigh 2.5 (better with few examples per class); no pairs."""
    classifier = CategoryModel(engine="semantic").classifier
    assert classifier.embed_weight == 2.5 and classifier.pairs is None and classifier.svm_loss == "squared_hinge"
    assert classifier.lean


def fake_encode(calls: list[list[str]]):
    def encode(texts: list[str], **_: object) -> np.ndarray:
        calls.append(list(texts))
        rows = [np.random.default_rng(sum(map(ord, t))).standard_normal(semantic.DIMENSIONS) for t in texts]
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), semantic.DIMENSIONS)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    return encode


def test_category_model_embeds_the_text_it_will_be_served(monkeypatch):
    """Serving embeds the normalised text (straight quotes, no @handles); training must embed the same."""
    calls: list[list[str]] = []
    monkeypatch.setattr(semantic, "encode", fake_encode(calls))
    texts, labels = categories("categories_train.csv")
    CategoryModel(engine="semantic").fit(["@acme I can\u2019t pay my invoice", *texts], ["billing", *labels])
    assert calls[0][0] == "I can't pay my invoice"


def test_few_shot_semantic_eval_embeds_each_text_once(monkeypatch):
    calls: list[list[str]] = []
    monkeypatch.setattr(semantic, "encode", fake_encode(calls))
    train, test = categories("categories_train.csv"), categories("categories_test.csv")
    result = evaluation.evaluate_category(train, test, engine="semantic", shots=2, seeds=(0, 1, 2))
    batches = [c for c in calls if len(c) > 1]
    assert len(batches) == 2  # the sampled training texts, then the test texts; not once per seed
    assert len(batches[0]) == len(set(batches[0])) and batches[1] == test[0]
    assert result["n_train"] == 6 and 0 <= result["accuracy"] <= 1


needs_semantic = pytest.mark.skipif(not semantic.available(), reason="the semantic extra is not installed")


@needs_semantic
def test_one_text_embedding_equals_the_batch_embedding():
    texts = ["How do I top up my card?", "hi", "refund " * 600, "Why was I charged twice at a shop in Spain?"]
    batch = semantic.encode(texts)
    one = np.vstack([semantic.encode([t]) for t in texts])
    assert one.shape == (4, semantic.DIMENSIONS) and one.dtype == np.float32
    assert np.allclose(batch, one, atol=1e-5)
    assert np.allclose(np.linalg.norm(one, axis=1), 1.0, atol=1e-5)


@needs_semantic
def test_serving_runs_torch_on_one_thread():
    """Two intra-op threads on a small shared machine gave single messages a 300-500 ms tail."""
    import torch

    semantic.encode(["one message"])
    assert torch.get_num_threads() == 1
    semantic.encode(["a batch", "of two"])
    assert torch.get_num_threads() == 1
