"""Where fitted models live: the database (TriageModel rows) and an in-process cache keyed by version.

The starter hierarchy model is not stored as a row: it is rebuilt from the packaged starter set on first
use (a few seconds) and cached in-process and on disk under DATA_DIR, keyed by the starter set's hash.
"""

from __future__ import annotations

import logging
import pickle
import threading
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from unstuck.core.memo import memo

from .engine.category import CategoryModel
from .engine.hierarchy import HierarchyModel, starter_fingerprint, starter_version, train_starter
from .engine.textmodel import resolve_engine
from .models import ModelKind, TriageModel

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, Any] = {}


def serving_engine() -> str:
    """The engine that triages live messages: settings.TRIAGE_ENGINE ("default", "semantic" or "auto")."""
    wanted = getattr(settings, "TRIAGE_ENGINE", "default")
    try:
        return resolve_engine(wanted)
    except ValueError:
        logger.warning("triage.engine_unavailable", extra={"engine": wanted})
        return "default"


def dumps(model: object) -> bytes:
    return zlib.compress(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), 3)


def loads(blob: bytes) -> Any:
    # Only blobs this app wrote itself are ever loaded (our own database rows and DATA_DIR files).
    return pickle.loads(zlib.decompress(blob))


def _starter_path(version: str) -> Path:
    return Path(settings.DATA_DIR) / "triage" / f"{version}.pkl.z"


@lru_cache(maxsize=1)
def _starter_fingerprint() -> str:
    """The packaged starter set does not change while a process runs; hashing it per message cost ~0.3 ms."""
    return starter_fingerprint()


def starter_model(engine: str = "default") -> HierarchyModel:
    version = starter_version(engine, _starter_fingerprint())
    cached = _cache.get(version)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    with _lock:
        if version in _cache:
            return _cache[version]  # type: ignore[no-any-return]
        path = _starter_path(version)
        model: HierarchyModel | None = None
        if path.exists():
            try:
                model = loads(path.read_bytes())
            except Exception:  # a stale or truncated cache file is rebuilt
                logger.warning("triage.starter_cache_unreadable", extra={"path": str(path)})
        if model is None:
            model = train_starter(engine)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(dumps(model))
                tmp.replace(path)
            except OSError:
                logger.warning("triage.starter_cache_unwritable", extra={"path": str(path)})
        _cache[version] = model
        return model


def _load_row(row_id: int, version: str) -> Any:
    with _lock:
        if version not in _cache:
            blob = TriageModel.objects.values_list("blob", flat=True).get(pk=row_id)
            _cache[version] = loads(bytes(blob))
        return _cache[version]


def _read_active_rows() -> dict[tuple[str, str], tuple[int, str]]:
    """(kind, engine) -> (row id, version) of the active models."""
    newest: dict[tuple[str, str], tuple[int, str]] = {}
    rows = (
        TriageModel.objects.filter(active=True)
        .order_by("-created_at", "-id")
        .values_list("kind", "engine", "pk", "version")
    )
    for kind, engine, pk, version in rows:
        newest.setdefault((kind, engine), (pk, version))
    return newest


# Live triage asks for every message; retraining changes them. Retraining itself reads them fresh.
_active_rows = memo(seconds=10)(_read_active_rows).watch(TriageModel)


def _active(kind: str, engine: str, rows: dict[tuple[str, str], tuple[int, str]]) -> Any:
    row = rows.get((kind, engine))
    return _load_row(*row) if row is not None else None


def _hierarchy(engine: str, rows: dict[tuple[str, str], tuple[int, str]]) -> HierarchyModel:
    """The desk's active hierarchy model, or the starter model while it has none."""
    return _active(ModelKind.HIERARCHY, engine, rows) or starter_model(engine)  # type: ignore[no-any-return]


def active_hierarchy(engine: str) -> HierarchyModel:
    return _hierarchy(engine, _read_active_rows())


def active_category(engine: str) -> CategoryModel | None:
    return _active(ModelKind.CATEGORY, engine, _read_active_rows())  # type: ignore[no-any-return]


def active_models(engine: str) -> tuple[HierarchyModel, CategoryModel | None]:
    """The hierarchy and category models live triage serves (their rows remembered for 10 s per process)."""
    rows = _active_rows()
    return _hierarchy(engine, rows), _active(ModelKind.CATEGORY, engine, rows)


def save(
    *, kind: str, engine: str, model: Any, version: str, metrics: dict, n_labels: int, last_label_id: int, active: bool
) -> TriageModel:
    """Store a version; activating it retires the previous active one of the same kind and engine."""
    if active:
        TriageModel.objects.filter(kind=kind, engine=engine, active=True).update(active=False)
    row = TriageModel.objects.create(
        kind=kind,
        engine=engine,
        version=version,
        metrics=metrics,
        n_labels=n_labels,
        last_label_id=last_label_id,
        active=active,
        blob=dumps(model),
    )
    with _lock:
        _cache[version] = model
    return row


def clear_cache() -> None:
    with _lock:
        _cache.clear()
