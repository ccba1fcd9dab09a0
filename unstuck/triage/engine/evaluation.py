"""Offline evaluation of the triage models, shared by `unstuck triage-eval` and bench/triage.py."""

from __future__ import annotations

import csv
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from . import semantic
from .category import CategoryModel
from .cues import normalize
from .hierarchy import HierarchyModel, read_examples, train_starter

LATENCY_SAMPLE = 300  # messages timed one at a time


def read_category_csv(path: Path | str) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text, label = (row.get("text") or "").strip(), (row.get("category") or "").strip()
            if text and label:
                texts.append(text)
                labels.append(label)
    return texts, labels


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def latency(predict_one: Callable[[str], Any], texts: Sequence[str]) -> dict[str, float]:
    """p50 and p99 in ms of serving one message at a time (the way live triage runs)."""
    sample = list(texts[:LATENCY_SAMPLE])
    if not sample:
        return {"p50_ms": 0.0, "p99_ms": 0.0}
    predict_one(sample[0])  # warm caches once, as a running server would be
    timings = []
    for text in sample:
        started = time.perf_counter()
        predict_one(text)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 2),
    }


def sample_shots(texts: list[str], labels: list[str], shots: int, seed: int) -> tuple[list[str], list[str]]:
    return _pick(texts, labels, _shot_indices(labels, shots, seed))


def _shot_indices(labels: Sequence[str], shots: int, seed: int) -> list[int]:
    """K row numbers per label (all of a label's rows if it has fewer), labels in sorted order."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        by_label[label].append(i)
    rng = random.Random(seed)
    picked: list[int] = []
    for label in sorted(by_label):
        picked.extend(rng.sample(by_label[label], min(shots, len(by_label[label]))))
    return picked


def _pick(texts: Sequence[str], labels: Sequence[str], rows: Sequence[int]) -> tuple[list[str], list[str]]:
    return [texts[i] for i in rows], [labels[i] for i in rows]


def _one_category_run(
    train: tuple[list[str], list[str]],
    test: tuple[list[str], list[str]],
    engine: str,
    embeddings: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
) -> dict[str, Any]:
    model = CategoryModel(engine=engine).fit(*train, embeddings=embeddings[0])
    predicted = model.predict(test[0], embeddings=embeddings[1])
    return {
        "accuracy": float(accuracy_score(test[1], predicted)),
        "macro_f1": float(f1_score(test[1], predicted, average="macro")),
        "train_seconds": model.train_seconds,
        "model": model,
    }


def evaluate_category(
    train: tuple[list[str], list[str]],
    test: tuple[list[str], list[str]],
    *,
    engine: str,
    shots: int | None = None,
    seeds: Sequence[int] = (0, 1, 2),
) -> dict[str, Any]:
    """Accuracy and macro-F1 of the category model; with `shots`, K examples per class, mean over seeds."""
    if shots:
        picks = [_shot_indices(train[1], shots, seed) for seed in seeds]
        embedded: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
        if engine == "semantic":
            # The seeds' samples overlap and share one test set: embed each text once, not once per seed.
            used = sorted({i for rows in picks for i in rows})
            vectors = semantic.encode([normalize(train[0][i]) for i in used])
            row_of = {i: n for n, i in enumerate(used)}
            embedded = (vectors, semantic.encode([normalize(t) for t in test[0]]))
        runs = []
        for rows in picks:
            train_embeddings = None if embedded[0] is None else embedded[0][[row_of[i] for i in rows]]
            runs.append(_one_category_run(_pick(*train, rows), test, engine, (train_embeddings, embedded[1])))
        n_train = len(picks[0])
    else:
        runs = [_one_category_run(train, test, engine)]
        n_train = len(train[0])
    model: CategoryModel = runs[-1]["model"]
    result: dict[str, Any] = {
        "mode": "category",
        "engine": engine,
        "accuracy": round(statistics.mean(r["accuracy"] for r in runs), 4),
        "macro_f1": round(statistics.mean(r["macro_f1"] for r in runs), 4),
        "n_train": n_train,
        "n_test": len(test[0]),
        "train_seconds": round(statistics.mean(r["train_seconds"] for r in runs), 2),
    }
    if shots:
        result.update(shots=shots, seeds=list(seeds))
    result.update(latency(lambda text: model.predict([text]), test[0]))
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def evaluate_hierarchy(test_path: Path | str, *, engine: str, model: HierarchyModel | None = None) -> dict[str, Any]:
    """The built-in hierarchy model on a CSV with text,level[,urgent,temperature]."""
    examples = read_examples(test_path)
    started = time.perf_counter()
    model = model or train_starter(engine)
    train_seconds = time.perf_counter() - started
    readings = [model.read(e.text) for e in examples]
    truth = [e.level for e in examples]
    predicted = [r.level for r in readings]
    result: dict[str, Any] = {
        "mode": "hierarchy",
        "engine": engine,
        "model_version": model.version,
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 4),
        "n_train": model.n_train,
        "n_test": len(examples),
        "train_seconds": round(train_seconds, 2),
    }
    with_temp = [(e.temperature, r.temperature) for e, r in zip(examples, readings, strict=True) if e.temperature]
    if with_temp:
        result["temperature_accuracy"] = round(float(accuracy_score(*zip(*with_temp, strict=True))), 4)
        result["temperature_macro_f1"] = round(float(f1_score(*zip(*with_temp, strict=True), average="macro")), 4)
    with_urgent = [(e.urgent, r.urgent) for e, r in zip(examples, readings, strict=True) if e.urgent is not None]
    if with_urgent:
        result["urgent_f1"] = round(float(f1_score(*zip(*with_urgent, strict=True), zero_division=0)), 4)
    result.update(latency(model.read, [e.text for e in examples]))
    result["peak_rss_mb"] = peak_rss_mb()
    return result
