"""The vote of the nearest labelled messages in an embedding space (semantic engine)."""

from __future__ import annotations

import numpy as np

NEIGHBOURS = 20
NEIGHBOUR_SHARPNESS = 20.0  # votes weigh exp(cosine * sharpness): the closest few dominate


def neighbour_vote(
    memory: np.ndarray, levels: np.ndarray, weights: np.ndarray, vector: np.ndarray, classes: list[int]
) -> np.ndarray:
    """Level shares among the nearest training messages, each level's votes divided by its size (balanced)."""
    similarity = memory @ vector
    k = min(NEIGHBOURS, len(similarity))
    nearest = np.argpartition(-similarity, k - 1)[:k]
    votes = np.zeros(len(classes))
    for i in nearest:
        level = int(levels[i])
        if level in classes:
            votes[classes.index(level)] += weights[i] * np.exp(NEIGHBOUR_SHARPNESS * (float(similarity[i]) - 1.0))
    sizes = np.array([weights[levels == c].sum() for c in classes])
    votes = votes / np.maximum(sizes, 1e-9)
    total = votes.sum()
    return votes / total if total > 0 else np.full(len(classes), 1.0 / len(classes))
