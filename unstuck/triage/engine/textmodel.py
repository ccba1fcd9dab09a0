"""One linear text classifier shared by every triage model: TF-IDF words and characters, optional dense extras.

Engines: "default" uses sparse TF-IDF (word 1-2 grams and char_wb 2-5 grams, sublinear tf) plus any dense
features the caller supplies; "semantic" also appends MiniLM sentence embeddings, so one linear model weighs
exact wording and meaning together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from scipy.special import expit, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from . import semantic
from .cues import normalize

ENGINES = ("default", "semantic")
DenseFn = Callable[[Sequence[str]], np.ndarray]


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
    ) -> None:
        self.engine = engine
        self.loss = loss
        self.C = C
        self.class_weight = class_weight
        self.dense = dense
        self.dense_weight = dense_weight
        self.embed_weight = embed_weight
        self.words = TfidfVectorizer(
            ngram_range=(1, max_ngram), sublinear_tf=True, min_df=1, lowercase=True, strip_accents="unicode"
        )
        self.chars = (
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, lowercase=True)
            if char
            else None
        )
        self.model: Any = None
        self.classes_: list[Any] = []

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_fast", None)  # analyzers are closures: rebuilt after loading
        return state

    # -- features -------------------------------------------------------------------------------------------
    def _blocks(self, texts: Sequence[str], embeddings: np.ndarray | None, fit: bool) -> sparse.csr_matrix:
        texts = [normalize(t) for t in texts]
        blocks: list[Any] = [self.words.fit_transform(texts) if fit else self.words.transform(texts)]
        if self.chars is not None:
            blocks.append(self.chars.fit_transform(texts) if fit else self.chars.transform(texts))
        if self.dense is not None:
            blocks.append(sparse.csr_matrix(self.dense(texts) * self.dense_weight))
        if self.engine == "semantic":
            vectors = embeddings if embeddings is not None else semantic.encode(list(texts))
            blocks.append(sparse.csr_matrix(vectors * self.embed_weight))
        return sparse.hstack(blocks, format="csr")

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Any],
        *,
        embeddings: np.ndarray | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> TextClassifier:
        X = self._blocks(texts, embeddings, fit=True)
        if self.loss == "svm":
            self.model = LinearSVC(C=self.C, class_weight=self.class_weight)
        else:
            self.model = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="saga", max_iter=2000)
        self.model.fit(X, list(labels), sample_weight=sample_weight)
        self.classes_ = list(self.model.classes_)
        return self

    # -- one message at a time (live triage) ------------------------------------------------------------------
    # sklearn's transform/decision_function validate their input on every call, which costs more than the
    # arithmetic for a single short text. This path computes the same TF-IDF row and margins directly.
    def _fast_parts(self) -> tuple[Any, Any, np.ndarray, np.ndarray]:
        fast = getattr(self, "_fast", None)
        if fast is None:
            coef = np.asarray(self.model.coef_, dtype=np.float64)
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
        words, chars, coef, intercept = self._fast_parts()
        text = normalize(text)
        margins = intercept.copy()
        offset = 0
        parts = [(self.words, words)] + ([(self.chars, chars)] if self.chars is not None else [])
        for vectorizer, analyzer in parts:
            indices, values = self._tfidf_one(vectorizer, analyzer, text)
            if len(indices):
                margins += coef[:, offset + indices] @ values
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
        return self._to_probabilities(np.asarray(self.model.decision_function(X)))

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
