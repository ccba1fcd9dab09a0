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

    def probabilities(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """Rows of class probabilities (a softmax of margins for the SVM, which has no calibrated output)."""
        X = self._blocks(texts, embeddings, fit=False)
        if self.loss == "svm":
            margins = self.model.decision_function(X)
            if margins.ndim == 1:
                margins = np.stack([-margins, margins], axis=1)
            scaled = np.exp(3.0 * (margins - margins.max(axis=1, keepdims=True)))
            return np.asarray(scaled / scaled.sum(axis=1, keepdims=True))
        return np.asarray(self.model.predict_proba(X))

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
        row = self.words.transform([normalize(text)])
        coef = self.model.coef_
        weights = (
            coef[0] * (1 if label == self.classes_[1] else -1)
            if coef.shape[0] == 1
            else coef[self.classes_.index(label)]
        )
        n_words = row.shape[1]
        contributions = [(row.data[i] * weights[j], j) for i, j in enumerate(row.indices) if j < n_words]
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
