import pytest

from unstuck.search import engine

pytestmark = pytest.mark.django_db


def test_words_match_in_any_order_and_the_last_word_as_a_prefix():
    engine.index("message", 1, body="My invoice was charged twice this month")
    engine.index("message", 2, body="How do I export my invoices to CSV?")

    assert {h.ref_id for h in engine.search("twice invo", kinds=["message"])} == {1}
    assert {h.ref_id for h in engine.search("invoice", kinds=["message"])} == {1, 2}


def test_stemming_finds_other_forms_of_a_word():
    engine.index("message", 1, body="The payment failed again")

    assert [h.ref_id for h in engine.search("failing payments", kinds=["message"])] == [1]


def test_title_matches_rank_above_body_matches():
    engine.index("conversation", 1, title="Refund missing", body="")
    engine.index("message", 2, body="I asked about a refund for my order and then about shipping and more things")

    hits = engine.search("refund", kinds=["conversation", "message"])

    assert [h.ref_id for h in hits] == [1, 2]


def test_kinds_filter_results():
    engine.index("customer", 7, title="Dana Refund", body="")
    engine.index("message", 8, body="refund please")

    assert [h.kind for h in engine.search("refund", kinds=["customer"])] == ["customer"]


def test_snippets_mark_matches_and_escape_html():
    engine.index("message", 1, body="<script>x</script> the refund arrived")

    snippet = engine.search("refund", kinds=["message"])[0].snippet_html

    assert "<mark>refund</mark>" in snippet
    assert "<script>" not in snippet


def test_reindexing_replaces_the_old_text_and_removal_forgets_it():
    engine.index("message", 1, body="old words")
    engine.index("message", 1, body="new words")

    assert engine.search("old", kinds=["message"]) == []
    engine.remove("message", [1])
    assert engine.search("new", kinds=["message"]) == []


def test_punctuation_and_operators_in_queries_are_harmless():
    engine.index("message", 1, body="Error: NOT found (code 404)")

    assert [h.ref_id for h in engine.search('"NOT" (404)*', kinds=["message"])] == [1]
    assert engine.search("   ", kinds=["message"]) == []


def test_regroup_points_documents_at_a_new_conversation():
    engine.index("message", 1, body="moved message", group_id=10)

    engine.regroup("message", [1], 20)

    assert engine.search("moved", kinds=["message"])[0].group_id == 20
