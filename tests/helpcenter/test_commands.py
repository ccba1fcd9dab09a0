"""`unstuck help-eval` on a tiny corpus written here, and `unstuck help-load` imports that can be re-run."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from unstuck.helpcenter import evaluation, loader
from unstuck.helpcenter.models import Article
from unstuck.search.models import SearchDocument

pytestmark = pytest.mark.django_db

ARTICLES = [
    ("refund", "When will I get my refund?", "Refunds reach your card within ten working days."),
    ("password", "Reset your password", "Use the forgot password link on the sign-in page."),
    ("feed", "Bank feed stopped syncing", "Reconnect the bank account from the Banking page."),
]
QUERIES = [
    ("where is my refund", "refund"),
    ("I forgot my password", "password"),
    ("transactions are not coming through from the bank", "feed"),
    ("my money never came back", "refund"),
]
HISTORY = [("money never came back after I cancelled", "refund"), ("bank transactions missing", "feed")]


def write(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path):
    return {
        "articles": write(tmp_path / "articles.csv", ["id", "title", "body"], ARTICLES),
        "queries": write(tmp_path / "queries.csv", ["text", "article_id"], QUERIES),
        "history": write(tmp_path / "history.csv", ["text", "article_id"], HISTORY),
    }


def run_eval(*args: str) -> dict:
    out = StringIO()
    call_command("help_eval", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_eval_prints_one_json_line_with_the_metrics(files):
    result = run_eval("--articles", str(files["articles"]), "--queries", str(files["queries"]))

    assert set(result) >= {"mrr_at_5", "hit_at_1", "hit_at_5", "p95_ms", "queries"}
    assert result["queries"] == 4
    # Lexical search alone finds the three that share a word with their article, not "money never came back".
    assert result["hit_at_5"] == 0.75
    assert result["hit_at_1"] == 0.75


def test_eval_learns_from_history_and_leaves_nothing_behind(files):
    result = run_eval(
        "--articles", str(files["articles"]), "--queries", str(files["queries"]), "--history", str(files["history"])
    )

    assert result["hit_at_1"] == 1.0
    assert result["mrr_at_5"] == 1.0
    assert not SearchDocument.objects.exists()


def test_eval_explains_a_bad_file(tmp_path, files):
    bad = write(tmp_path / "bad.csv", ["question", "answer"], [("a", "b")])
    with pytest.raises(CommandError, match="text,article_id"):
        call_command("help_eval", "--articles", str(files["articles"]), "--queries", str(bad))


def test_stratified_split_is_deterministic_proportional_and_disjoint():
    rows = [evaluation.Labelled(f"question {n}", "a" if n % 4 else "b") for n in range(100)]

    held, rest = evaluation.split_stratified(rows, size=20)

    assert held == evaluation.split_stratified(rows, size=20)[0]
    assert len(held) == 20 and len(rest) == 80
    assert sum(r.article_id == "b" for r in held) == 5
    assert not {r.text for r in held} & {r.text for r in rest}


def test_help_load_imports_a_csv_and_is_idempotent(files):
    out = StringIO()
    call_command("help_load", str(files["articles"]), "--category", "Banking", stdout=out)
    call_command("help_load", str(files["articles"]), "--category", "Banking", stdout=out)

    assert out.getvalue().splitlines() == ["3 created, 0 updated, 0 unchanged", "0 created, 0 updated, 3 unchanged"]
    refund = Article.objects.get(external_id="refund")
    assert refund.is_public and refund.public_path == "/help/banking/when-will-i-get-my-refund/"


def test_help_load_updates_changed_rows_with_a_new_revision(tmp_path, files):
    call_command("help_load", str(files["articles"]), stdout=StringIO())
    changed = write(tmp_path / "changed.csv", ["id", "title", "body"], [(*ARTICLES[0][:2], "Now five days.")])

    call_command("help_load", str(changed), stdout=StringIO())

    refund = Article.objects.get(external_id="refund")
    assert refund.body == "Now five days."
    assert refund.revisions.count() == 2


def test_demo_articles_load_for_the_fernhill_desk():
    first = loader.load_demo_articles()
    again = loader.load_demo_articles()

    assert first.created >= 10 and again.created == 0 and again.updated == 0
    assert Article.objects.filter(visibility="internal").exists()
    assert Article.objects.filter(visibility="public", status="published").count() >= 10
