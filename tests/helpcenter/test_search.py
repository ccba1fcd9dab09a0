"""Search and ranking on a fixed small corpus: prefixes, typos, title boost, votes and learned uses."""

import pytest

from unstuck.helpcenter import selectors, services
from unstuck.helpcenter.models import Visibility
from unstuck.search import engine

from .factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    return {
        "refund": article("Refunds and how long they take", "Money goes back to the card you paid with."),
        "password": article(
            "Reset your password", "Use the forgot password link on the sign-in page.", category_name="Signing in"
        ),
        "feed": article("Bank feed stopped syncing", "Reconnect the bank account when it needs attention."),
        "export": article("Export data to CSV", "Every list can be exported; a refund list too."),
    }


def titles(query: str, **kwargs) -> list[str]:
    return [s.article.title for s in selectors.suggest_articles(query, **kwargs)]


def test_the_last_word_matches_as_a_prefix_while_typing(corpus):
    assert titles("passw")[0] == "Reset your password"
    assert titles("bank fe")[0] == "Bank feed stopped syncing"


def test_a_misspelt_title_word_is_corrected(corpus):
    assert titles("pasword reset")[0] == "Reset your password"
    assert titles("refnud")[0] == "Refunds and how long they take"


def test_title_matches_rank_above_body_matches(corpus):
    # "refund" is in the refund article's title and only in the export article's body.
    assert titles("refund")[:2] == ["Refunds and how long they take", "Export data to CSV"]


def test_a_whole_sentence_finds_the_article_even_when_not_every_word_matches(corpus):
    assert titles("Hi, I forgot my password yesterday and cannot get in. ")[0] == "Reset your password"


def test_helpful_votes_lift_an_article_and_unhelpful_ones_sink_it(corpus):
    twin = article("Refunds and how long they take", "Money goes back to the card you paid with.")
    first = [s.article.pk for s in selectors.suggest_articles("refunds take")]
    assert first[:2] == sorted([corpus["refund"].pk, twin.pk])  # a tie, broken by id

    for n in range(3):
        services.vote(twin, session_key=f"visitor-{n:04d}", helpful=True)
        services.vote(corpus["refund"], session_key=f"visitor-{n:04d}", helpful=False)

    assert [s.article.pk for s in selectors.suggest_articles("refunds take")][:2] == [twin.pk, corpus["refund"].pk]


def test_articles_agents_used_for_similar_conversations_are_suggested(corpus, agent):
    from tests.conversations.factories import new_conversation

    earlier = new_conversation(subject="Where is my money back", text="You took my money back weeks ago, nothing yet")
    assert "Refunds and how long they take" not in titles("where is my money back weeks ago ")[:1]

    services.record_article_use(corpus["refund"], conversation=earlier, agent=agent, mode="link")

    assert titles("where is my money back weeks ago ")[0] == "Refunds and how long they take"


def test_public_suggestions_never_include_drafts_or_internal_articles(corpus):
    article("Refund policy for agents", "Refund annual plans within 30 days.", visibility=Visibility.INTERNAL)
    article("Refund draft", "Refund text in progress.", status="draft")

    assert "Refund policy for agents" not in titles("refund")
    assert "Refund draft" not in titles("refund")
    assert "Refund policy for agents" in titles("refund", include_internal=True)
    assert "Refund draft" not in titles("refund", include_internal=True)


def test_engine_any_mode_drops_stopwords_and_ranked_mode_scores_every_match():
    engine.index("note", 1, title="", body="the invoice total is wrong")
    engine.index("note", 2, title="", body="the the the the")

    hits = engine.search("what is the invoice ", kinds=["note"], match="any", ranked=True)

    assert [h.ref_id for h in hits] == [1]


def test_typo_tolerance_only_uses_title_words_of_the_searched_kinds():
    engine.index("note", 1, title="Payroll run", body="", typo_tolerant=True)
    engine.index("other", 2, title="Paypal", body="", typo_tolerant=True)

    assert [h.ref_id for h in engine.search("payrol ", kinds=["note"], typo_tolerant=True)] == [1]
    assert engine.search("paypall ", kinds=["note"], typo_tolerant=True) == []


def test_a_kind_never_matches_documents_of_a_longer_kind_that_contains_it():
    engine.index("note", 1, title="refund", body="")
    engine.index("note_extra", 2, title="refund", body="")

    assert [(h.kind, h.ref_id) for h in engine.search("refund", kinds=["note"], ranked=True)] == [("note", 1)]


def test_a_word_still_being_typed_counts_from_three_letters(corpus):
    assert titles("re") == []
    assert titles("how do I") == []
    assert titles("passw")[0] == "Reset your password"
