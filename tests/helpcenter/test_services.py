"""Articles, revisions, who may publish, votes, visitor sessions and deflection accounting."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.conversations.factories import new_conversation
from unstuck.conversations.models import Event
from unstuck.core.errors import DomainError, Forbidden, NotFound
from unstuck.helpcenter import selectors, services
from unstuck.helpcenter.models import ArticleStatus, SuggestionEvent, Visibility
from unstuck.search import engine

from .factories import article, category

pytestmark = pytest.mark.django_db
KINDS = [selectors.PUBLIC_KIND, selectors.INTERNAL_KIND]


def draft(**overrides) -> services.ArticleDraft:
    fields = {"category": category(), "title": "Update your card", "body": "Go to **Billing**."}
    fields.update(overrides)
    return services.ArticleDraft(**fields)


def test_every_save_keeps_a_revision_with_its_author_and_the_url_stays(lead, agent):
    created = services.create_article(draft(status=ArticleStatus.DRAFT), actor=agent)
    updated = services.update_article(
        created, draft(title="Change your card", status="published"), actor=lead, note="Clearer"
    )

    revisions = list(selectors.list_revisions(updated))
    assert [(r.number, r.title, r.author, r.status) for r in revisions] == [
        (2, "Change your card", lead, "published"),
        (1, "Update your card", agent, "draft"),
    ]
    assert revisions[0].note == "Clearer"
    assert updated.author == agent
    assert updated.slug == "update-your-card"  # links already sent keep working
    assert Event.objects.filter(kind="article.updated", actor=lead).exists()


def test_agents_write_drafts_and_internal_articles_but_only_leads_publish_publicly(agent, lead):
    internal = services.create_article(draft(visibility=Visibility.INTERNAL, status="published"), actor=agent)
    assert internal.status == "published"

    with pytest.raises(Forbidden, match="lead"):
        services.create_article(draft(status="published"), actor=agent)
    public = services.create_article(draft(status="published"), actor=lead)
    with pytest.raises(Forbidden):
        services.update_article(public, draft(body="Changed by an agent", status="published"), actor=agent)
    with pytest.raises(Forbidden):  # taking it down is a public change too
        services.update_article(public, draft(status="draft"), actor=agent)


def test_only_leads_add_categories(agent, lead):
    with pytest.raises(Forbidden):
        services.create_category(name="Payroll", actor=agent)
    created = services.create_category(name="Payroll", actor=lead)
    assert created.slug == "payroll"
    with pytest.raises(DomainError, match="category_exists"):
        services.create_category(name="payroll", actor=lead)


def test_titles_are_required_and_slugs_unique_within_a_category(lead):
    with pytest.raises(DomainError, match="title_required"):
        services.create_article(draft(title="   "), actor=lead)
    first = services.create_article(draft(), actor=lead)
    second = services.create_article(draft(), actor=lead)
    assert (first.slug, second.slug) == ("update-your-card", "update-your-card-2")


def test_only_published_articles_are_indexed_and_unpublishing_removes_them(lead):
    created = services.create_article(draft(title="Payroll dates", status="draft"), actor=lead)
    assert engine.search("payroll", kinds=KINDS) == []

    services.update_article(created, draft(title="Payroll dates", status="published"), actor=lead)
    assert [h.kind for h in engine.search("payroll", kinds=KINDS)] == ["article"]

    services.update_article(
        created, draft(title="Payroll dates", status="published", visibility="internal"), actor=lead
    )
    assert [h.kind for h in engine.search("payroll", kinds=KINDS)] == [selectors.INTERNAL_KIND]

    services.update_article(created, draft(title="Payroll dates", status="draft"), actor=lead)
    assert engine.search("payroll", kinds=KINDS) == []


def test_one_vote_per_session_and_a_changed_mind_moves_it():
    refund = article()
    services.vote(refund, session_key="visitor-0001", helpful=True)
    services.vote(refund, session_key="visitor-0001", helpful=True)
    services.vote(refund, session_key="visitor-0002", helpful=True)
    services.vote(refund, session_key="visitor-0002", helpful=False)

    refund.refresh_from_db()
    assert (refund.helpful_yes, refund.helpful_no) == (1, 1)


def test_votes_on_articles_the_public_cannot_see_are_refused():
    internal = article(visibility=Visibility.INTERNAL)
    with pytest.raises(NotFound):
        services.vote(internal, session_key="visitor-0001", helpful=True)


def test_session_ids_are_checked():
    with pytest.raises(DomainError, match="invalid_session"):
        services.touch_session("no spaces allowed")


def test_deflection_counts_a_click_without_a_submission_once_the_visit_has_ended():
    refund = article()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.record_impressions("deflected-1", [refund.pk], query="refund")
        services.record_click("deflected-1", refund)
        services.record_impressions("wrote-anyway", [refund.pk], query="refund")
        services.record_click("wrote-anyway", refund)
        services.mark_session_submitted("wrote-anyway")
        services.record_impressions("only-looked", [refund.pk], query="refund")

    during = selectors.deflection_report(now=start + timedelta(minutes=10))
    assert (during.deflected, during.in_progress, during.submitted_after_click) == (0, 1, 1)

    after = selectors.deflection_report(now=start + timedelta(minutes=31))
    assert (after.sessions_shown, after.sessions_clicked) == (3, 2)
    assert (after.deflected, after.in_progress, after.submitted_after_click) == (1, 0, 1)
    assert after.deflection_rate == 0.5


def test_activity_keeps_a_visit_open():
    refund = article()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.record_click("still-reading", refund)
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        services.record_view(refund, session_key="still-reading")

    report = selectors.deflection_report(now=start + timedelta(minutes=40))
    assert (report.deflected, report.in_progress) == (0, 1)


def test_impressions_count_once_per_session_and_article():
    refund = article()
    for query in ("re", "ref", "refund"):
        services.record_impressions("typing-visitor", [refund.pk], query=query)
    assert SuggestionEvent.objects.filter(article=refund, kind="impression").count() == 1


def test_using_a_draft_in_a_reply_is_refused(agent):
    pending = article(status=ArticleStatus.DRAFT)
    with pytest.raises(DomainError, match="article_not_published"):
        services.record_article_use(pending, conversation=new_conversation(), agent=agent, mode="link")
