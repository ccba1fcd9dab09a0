"""One linear text classifier shared by every triage model: TF-IDF words and characters, optional dense extras.

Engines: "default" uses sparse TF-IDF (word 1-2 grams and char_wb 2-5 grams, sublinear tf) plus any dense
features the caller supplies; "semantic" also appends MiniLM sentence embeddings, so one linear model weighs
exact wording and meaning together. Optionally (`pairs`), a third TF-IDF block of unordered word pairs lets the
linear model see two words that meet anywhere in the message ("card" with "arrive", "top" with "reverted").
"""

from __future__ import annotations

import ctypes
import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from scipy.special import expit, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_class_weight

from . import semantic
from .cues import normalize

ENGINES = ("default", "semantic")
DenseFn = Callable[[Sequence[str]], np.ndarray]
_WORD = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token pattern
MAX_PAIR_WORDS = 40  # a long message is paired from its first 40 distinct words (at most 780 pairs)


def word_pairs(text: str) -> list[str]:
    """Every unordered pair of distinct words in a message, as "a|b" with a < b (an analyzer for TfidfVectorizer).

    A long message is paired from its first MAX_PAIR_WORDS distinct words, so it costs at most 780 pairs."""
    words = sorted(list(dict.fromkeys(_WORD.findall(text.lower())))[:MAX_PAIR_WORDS])
    return [f"{a}|{b}" for a, b in itertools.combinations(words, 2)]


def _pairs_vectorizer(min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=word_pairs, sublinear_tf=True, min_df=min_df, lowercase=False)


def _dense_rows(values: np.ndarray) -> sparse.csr_matrix:
    """A dense matrix (embeddings) as CSR, built directly: scipy's csr_matrix(dense) goes through COO with two
    int64 indices per value (+55 MB for 9,000 x 384). Exact zeros stay stored, which changes no product."""
    rows, columns = values.shape
    indices = np.tile(np.arange(columns, dtype=np.int32), rows)
    indptr = np.arange(0, rows * columns + 1, columns, dtype=np.int64 if rows * columns >= 2**31 else np.int32)
    return sparse.csr_matrix((values.reshape(-1), indices, indptr), shape=(rows, columns))


def give_back_freed_memory() -> None:
    """Return the heap pages that counting n-grams used and freed to the OS (glibc's malloc_trim; a no-op
    elsewhere). Otherwise they stay in the process and the next step's memory piles on top of them: for the
    category model on 9,000 messages, 40 MB less peak RSS for a few milliseconds."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def best_engine() -> str:
    return "semantic" if semantic.available() else "default"


def resolve_engine(engine: str | None) -> str:
    if engine in (None, "", "auto"):
        return best_engine()
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine {engine!r}; choose one of {', '.join(ENGINES)}.")
    if engine == "semantic" and not semantic.available():
        raise ValueError("The semantic engine needs the `semantic` extra: pip install 'unstuck[semantic]'.")
    return engine


class TextClassifier:
    """Linear model over TF-IDF (+ dense extras, + embeddings); keeps the word features to explain decisions."""

    def __init__(
        self,
        *,
        engine: str = "default",
        loss: str = "logistic",
        C: float = 1.0,
        class_weight: str | None = None,
        char: bool = True,
        dense: DenseFn | None = None,
        dense_weight: float = 1.0,
        embed_weight: float = 1.0,
        max_ngram: int = 2,
        pairs: float = 0.0,
        svm_loss: str = "squared_hinge",
        lean: bool = False,
    ) -> None:
        """`pairs` > 0 adds the word-pair block with that weight; `svm_loss` is LinearSVC's ("hinge" or
        "squared_hinge") when loss="svm"; `lean` fits that SVM one class at a time and keeps its weights in
        float32 (same model, about half the peak memory of the weights when there are many classes)."""
        self.engine = engine
        self.loss = loss
        self.C = C
        self.class_weight = class_weight
        self.dense = dense
        self.dense_weight = dense_weight
        self.embed_weight = embed_weight
        self.svm_loss = svm_loss
        self.lean = lean
        self.words = TfidfVectorizer(
            ngram_range=(1, max_ngram), sublinear_tf=True, min_df=1, lowercase=True, strip_accents="unicode"
        )
        self.chars = (
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, lowercase=True)
            if char
            else None
        )
        self.pairs_weight = pairs
        self.pairs = _pairs_vectorizer(min_df=2) if pairs > 0 else None
        self.model: Any = None
        self.classes_: list[Any] = []

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_fast", None)  # analyzers are closures: rebuilt after loading
        state.pop("_sparse", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Models pickled before the word-pair block and the SVM loss option existed load as they were.
        state.setdefault("pairs", None)
        state.setdefault("pairs_weight", 0.0)
        state.setdefault("svm_loss", "squared_hinge")
        state.setdefault("lean", False)
        self.__dict__.update(state)

    # -- features -------------------------------------------------------------------------------------------
    def _blocks(self, texts: Sequence[str], embeddings: np.ndarray | None, fit: bool) -> sparse.csr_matrix:
        texts = [normalize(t) for t in texts]
        trim = fit and self.lean
        blocks: list[Any] = [self.words.fit_transform(texts) if fit else self.words.transform(texts)]
        if self.chars is not None:
            blocks.append(self.chars.fit_transform(texts) if fit else self.chars.transform(texts))
            if trim:
                give_back_freed_memory()
        if fit and self.pairs_weight > 0:
            block = self._fit_pairs(texts)
        else:
            block = self.pairs.transform(texts) if self.pairs is not None else None
        if block is not None:
            blocks.append(block * self.pairs_weight)
            if trim:
                give_back_freed_memory()
        if self.dense is not None:
            blocks.append(sparse.csr_matrix(self.dense(texts) * self.dense_weight))
        if self.engine == "semantic":
            vectors = embeddings if embeddings is not None else semantic.encode(list(texts))
            blocks.append(_dense_rows(np.asarray(vectors) * self.embed_weight))
        X = sparse.hstack(blocks, format="csr")
        if trim:
            del blocks
            give_back_freed_memory()
        return X

    def _fit_pairs(self, texts: list[str]) -> Any:
        """The pair block on the training texts; with only a handful of texts, pairs seen once count too, and
        with no pair at all (one-word messages) the block is dropped."""
        for min_df in (2, 1):
            self.pairs = _pairs_vectorizer(min_df)
            try:
                return self.pairs.fit_transform(texts)
            except ValueError:  # "After pruning, no terms remain" or "empty vocabulary"
                continue
        self.pairs = None
        return None

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        *,
        embeddings: np.ndarray | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> TextClassifier:
        for cache in ("_fast", "_sparse", "_names"):  # built from the previous fit, if any
            self.__dict__.pop(cache, None)
        X = self._blocks(texts, embeddings, fit=True)
        if self.loss == "svm":
            self.model = self._svm()
            if self.lean and len(set(labels)) > 2:
                self._fit_one_class_at_a_time(X, np.asarray(labels), sample_weight)
            else:
                self.model.fit(X, list(labels), sample_weight=sample_weight)
        else:
            self.model = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="saga", max_iter=2000)
            self.model.fit(X, list(labels), sample_weight=sample_weight)
        self.classes_ = list(self.model.classes_)
        return self

    def _svm(self, class_weight: Any = "same") -> LinearSVC:
        # The plain hinge loss converges more slowly in liblinear's dual solver: allow it more passes.
        max_iter = 10_000 if self.svm_loss == "hinge" else 1000
        weights = self.class_weight if class_weight == "same" else class_weight
        return LinearSVC(C=self.C, class_weight=weights, loss=self.svm_loss, max_iter=max_iter)

    def _fit_one_class_at_a_time(self, X: Any, labels: np.ndarray, sample_weight: np.ndarray | None) -> None:
        """The one-vs-rest SVM liblinear would fit, one binary problem per class.

        liblinear holds every class's weights in float64 and sklearn copies them once more, so with 77 classes
        and ~85k features the weights alone peak near 100 MB; here they grow one row at a time into float32."""
        classes = np.unique(labels)
        balanced = compute_class_weight(self.class_weight, classes=classes, y=labels) if self.class_weight else None
        coef = np.empty((len(classes), X.shape[1]), dtype=np.float32)
        intercept = np.empty(len(classes), dtype=np.float64)
        iterations = []
        for k, label in enumerate(classes):
            # As in liblinear's own one-vs-rest: the class's weight scales C for its examples, the rest keep C.
            weights = {True: float(balanced[k]), False: 1.0} if balanced is not None else None
            binary = self._svm(weights).fit(X, labels == label, sample_weight=sample_weight)
            coef[k], intercept[k] = binary.coef_[0], binary.intercept_[0]
            iterations.append(int(binary.n_iter_))
        model = self.model
        model.classes_, model.coef_, model.intercept_ = classes, coef, intercept
        model.n_features_in_, model.n_iter_ = X.shape[1], max(iterations)

    # -- one message at a time (live triage) ------------------------------------------------------------------
    # sklearn's transform/decision_function validate their input on every call, which costs more than the
    # arithmetic for a single short text. This path computes the same TF-IDF row and margins directly.
    def _sparse_parts(self) -> list[tuple[TfidfVectorizer, Any, float]]:
        """The sparse blocks in column order: (vectorizer, its analyzer, block weight)."""
        parts = getattr(self, "_sparse", None)
        if parts is None:
            words, chars, _, _ = self._fast_parts()
            parts = [(self.words, words, 1.0)]
            if self.chars is not None:
                parts.append((self.chars, chars, 1.0))
            if self.pairs is not None:
                parts.append((self.pairs, self.pairs.build_analyzer(), self.pairs_weight))
            self._sparse = parts
        return parts

    def _fast_parts(self) -> tuple[Any, Any, np.ndarray, np.ndarray]:
        fast = getattr(self, "_fast", None)
        if fast is None:
            coef = np.asarray(self.model.coef_)  # float32 from a lean fit: a float64 copy would double it
            if coef.dtype not in (np.float32, np.float64):
                coef = coef.astype(np.float64)
            intercept = np.asarray(self.model.intercept_, dtype=np.float64)
            fast = self._fast = (
                self.words.build_analyzer(),
                self.chars.build_analyzer() if self.chars is not None else None,
                coef,
                intercept,
            )
        return fast

    @staticmethod
    def _tfidf_one(vectorizer: TfidfVectorizer, analyzer: Any, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of one text's TF-IDF row, equal to vectorizer.transform([text])."""
        vocabulary = vectorizer.vocabulary_
        counts: dict[int, int] = {}
        for token in analyzer(text):
            j = vocabulary.get(token)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if vectorizer.sublinear_tf:
            values = np.log(values) + 1.0
        if vectorizer.use_idf:
            values *= vectorizer.idf_[indices]
        norm = float(np.sqrt(values @ values)) if len(values) else 0.0
        if norm > 0:
            values /= norm
        return indices, values

    def _margins_one(self, text: str, embedding: np.ndarray | None) -> np.ndarray:
        _, _, coef, intercept = self._fast_parts()
        text = normalize(text)
        margins = intercept.copy()
        offset = 0
        for vectorizer, analyzer, weight in self._sparse_parts():
            indices, values = self._tfidf_one(vectorizer, analyzer, text)
            if len(indices):
                margins += coef[:, offset + indices] @ (values * weight)
            offset += len(vectorizer.vocabulary_)
        extras: list[np.ndarray] = []
        if self.dense is not None:
            extras.append(np.asarray(self.dense([text]), dtype=np.float64)[0] * self.dense_weight)
        if self.engine == "semantic":
            vector = embedding if embedding is not None else semantic.encode([text])
            extras.append(np.asarray(vector, dtype=np.float64).reshape(-1) * self.embed_weight)
        for extra in extras:
            margins += coef[:, offset : offset + len(extra)] @ extra
            offset += len(extra)
        return margins

    def _margins(self, X: Any) -> np.ndarray:
        """decision_function of the model on rows X; float32 weights (a lean fit) are widened a few classes at a
        time, where scipy would first copy all of them to float64 (+50 MB for 77 classes x 85k features)."""
        coef = np.asarray(self.model.coef_)
        if coef.dtype != np.float32:
            return np.asarray(self.model.decision_function(X))
        margins = np.empty((X.shape[0], coef.shape[0]))
        for start in range(0, coef.shape[0], 8):
            margins[:, start : start + 8] = X @ coef[start : start + 8].astype(np.float64).T
        margins += self.model.intercept_
        return margins[:, 0] if coef.shape[0] == 1 else margins

    def _to_probabilities(self, margins: np.ndarray) -> np.ndarray:
        """Class probabilities from margins (n, k) or, for two classes, (n,)."""
        if self.loss == "svm":
            if margins.ndim == 1:
                margins = np.stack([-margins, margins], axis=1)
            scaled = np.exp(3.0 * (margins - margins.max(axis=1, keepdims=True)))
            return np.asarray(scaled / scaled.sum(axis=1, keepdims=True))
        if margins.ndim == 1:
            p = expit(margins)
            return np.stack([1.0 - p, p], axis=1)
        return np.asarray(softmax(margins, axis=1))

    def probabilities(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """Rows of class probabilities (a softmax of margins for the SVM, which has no calibrated output)."""
        if len(texts) == 1:
            margins = self._margins_one(texts[0], embeddings)
            return self._to_probabilities(margins[None, :] if len(margins) > 1 else margins)
        X = self._blocks(texts, embeddings, fit=False)
        return self._to_probabilities(self._margins(X))

    def predict(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> list[Any]:
        probs = self.probabilities(texts, embeddings=embeddings)
        return [self.classes_[i] for i in probs.argmax(axis=1)]

    def _word_names(self) -> np.ndarray:
        names = getattr(self, "_names", None)
        if names is None:
            names = self._names = self.words.get_feature_names_out()
        return names

    def top_terms(self, text: str, label: Any, k: int = 3) -> list[str]:
        """The word n-grams in this text that pushed hardest towards `label`: part of the reasons shown."""
        if label not in self.classes_:
            return []
        analyzer, _, coef, _ = self._fast_parts()
        indices, values = self._tfidf_one(self.words, analyzer, normalize(text))
        weights = (
            coef[0] * (1 if label == self.classes_[1] else -1)
            if coef.shape[0] == 1
            else coef[self.classes_.index(label)]
        )
        contributions = [(float(v * weights[j]), int(j)) for v, j in zip(values, indices, strict=True)]
        names = self._word_names()
        picked: list[str] = []
        for score, j in sorted(contributions, reverse=True):
            term = str(names[j])
            if score <= 0 or len(picked) >= k:
                break
            if any(term in p or p in term for p in picked):
                continue
            picked.append(term)
        return picked
