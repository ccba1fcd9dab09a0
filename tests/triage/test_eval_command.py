"""`unstuck triage-eval` on small CSV fixtures written for the project."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args: str) -> dict:
    out = StringIO()
    call_command("triage_eval", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_category_eval_prints_one_json_line():
    result = run(
        "--train",
        str(FIXTURES / "categories_train.csv"),
        "--test",
        str(FIXTURES / "categories_test.csv"),
        "--engine",
        "default",
        "--json",
    )
    assert (result["engine"], result["n_train"], result["n_test"]) == ("default", 18, 6)
    assert result["accuracy"] >= 0.5
    assert 0 <= result["macro_f1"] <= 1
    assert 0 < result["p50_ms"] <= result["p99_ms"]
    assert result["peak_rss_mb"] > 0 and result["train_seconds"] >= 0


def test_category_eval_with_shots_samples_k_per_class():
    result = run(
        "--train",
        str(FIXTURES / "categories_train.csv"),
        "--test",
        str(FIXTURES / "categories_test.csv"),
        "--shots",
        "2",
        "--engine",
        "default",
    )
    assert result["n_train"] == 6 and result["shots"] == 2 and result["seeds"] == [0, 1, 2]


def test_hierarchy_eval_reports_level_temperature_and_urgency():
    result = run("--hierarchy", "--test", str(FIXTURES / "hierarchy.csv"), "--engine", "default")
    assert result["n_test"] == 6
    assert result["accuracy"] >= 0.5
    for key in ("macro_f1", "temperature_accuracy", "temperature_macro_f1", "urgent_f1", "p99_ms"):
        assert key in result
    assert result["model_version"].startswith("starter-")


def test_missing_train_file_is_a_clear_error():
    with pytest.raises(CommandError, match="--train is required"):
        run("--test", str(FIXTURES / "categories_test.csv"))
