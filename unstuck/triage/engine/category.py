"""The desk's category model: many fine-grained topics learned from the desk's own labelled messages."""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from . import semantic
from .textmodel import TextClassifier

# Tuned on a held-out split of BANKING77's train file (see bench/triage.py), never on a test set.
DEFAULT_C = 0.5
SEMANTIC_C = 0.5
SEMANTIC_EMBED_WEIGHT = 1.5


@dataclass
class CategoryGuess:
    label: Hashable
    confidence: float
    terms: list[str]


class CategoryModel:
    def __init__(self, *, engine: str = "default", version: str = "") -> None:
        self.engine = engine
        self.version = version
        self.classifier = TextClassifier(
            engine=engine,
            loss="svm",
            C=SEMANTIC_C if engine == "semantic" else DEFAULT_C,
            embed_weight=SEMANTIC_EMBED_WEIGHT,
        )
        self.train_seconds = 0.0
        self.n_train = 0

    @property
    def labels(self) -> list[Hashable]:
        return list(self.classifier.classes_)

    def fit(
        self, texts: Sequence[str], labels: Sequence[Hashable], *, embeddings: np.ndarray | None = None
    ) -> CategoryModel:
        started = time.perf_counter()
        if self.engine == "semantic" and embeddings is None:
            embeddings = semantic.encode(list(texts))
        self.classifier.fit(texts, labels, embeddings=embeddings)
        self.n_train = len(texts)
        self.train_seconds = time.perf_counter() - started
        return self

    def predict(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> list[Hashable]:
        return self.classifier.predict(texts, embeddings=embeddings)

    def guess(self, text: str, *, embedding: np.ndarray | None = None) -> CategoryGuess:
        probs = self.classifier.probabilities([text], embeddings=embedding)[0]
        best = int(np.argmax(probs))
        label = self.classifier.classes_[best]
        return CategoryGuess(label=label, confidence=float(probs[best]), terms=self.classifier.top_terms(text, label))
