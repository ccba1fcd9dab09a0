"""What every benchmark shares: a throwaway desk's environment and one way to report figures."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django(prefix: str, **env: str) -> None:
    """Settings for a benchmark run: a temporary data folder (fresh SQLite unless DATABASE_URL is set),
    tasks run inline, quiet logs; then django.setup()."""
    os.environ.setdefault("UNSTUCK_DATA_DIR", tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unstuck.settings.base")
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for key, value in env.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()


def write_results(name: str, result: dict[str, Any], line: dict[str, Any] | None = None) -> None:
    """Write bench/results/<name>.json and print one JSON line (the whole result unless `line` is given)."""
    out = ROOT / "bench" / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(line if line is not None else result))
