"""The public help center (no login; drafts and internal articles invisible) and the agents' editor pages."""

import pytest
from django.test import Client

from tests.conversations.factories import owned_conversation
from unstuck.conversations import services as conversation_services
from unstuck.helpcenter.models import Article, ArticleStatus, Visibility, Vote

from .factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def public():
    return Client()


def test_home_shows_categories_with_public_articles_only(public):
    article("Refunds and how long they take")
    article("Agent-only refund policy", category_name="Internal stuff", visibility=Visibility.INTERNAL)
    article("Unfinished", category_name="Drafts only", status=ArticleStatus.DRAFT)

    page = public.get("/help/").content.decode()

    assert 'data-help-suggest="#help-q-suggestions"' in page
    assert "Billing" in page and "1 article" in page
    assert "Internal stuff" not in page and "Drafts only" not in page


def test_article_pages_have_readable_urls_and_render_sanitised_markdown(public):
    found = article("Refunds and how long they take", "## Timing\n\nFive **days**. <script>alert(1)</script>")

    response = public.get("/help/billing/refunds-and-how-long-they-take/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Timing</h2>" in page and "<strong>days</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert Article.objects.get(pk=found.pk).view_count == 1


@pytest.mark.parametrize(
    ("visibility", "status"),
    [(Visibility.INTERNAL, ArticleStatus.PUBLISHED), (Visibility.PUBLIC, ArticleStatus.DRAFT)],
)
def test_internal_and_draft_articles_are_never_shown_publicly(public, visibility, status):
    hidden = article("Secret refund rules", "Refund rules", visibility=visibility, status=status)
    article("Refunds and how long they take", "Refund rules for everyone")

    assert public.get(f"/help/billing/{hidden.slug}/").status_code == 404
    assert "Secret refund rules" not in public.get("/help/billing/").content.decode()
    assert "Secret refund rules" not in public.get("/help/search/", {"q": "refund"}).content.decode()
    assert "Secret refund rules" not in public.get("/help/").content.decode()


def test_search_page_works_without_javascript_and_as_an_htmx_fragment(public):
    article("Refunds and how long they take")

    full = public.get("/help/search/", {"q": "refun"}).content.decode()
    fragment = public.get("/help/search/", {"q": "refun"}, headers={"HX-Request": "true"}).content.decode()

    assert "Refunds and how long they take" in full and "<html" in full
    assert "Refunds and how long they take" in fragment and "<html" not in fragment


def test_was_this_helpful_form_votes_once_per_visit(public):
    found = article()

    first = public.post(f"/help/articles/{found.pk}/vote/", {"helpful": "yes"})
    public.post(f"/help/articles/{found.pk}/vote/", {"helpful": "yes"})

    assert first.status_code == 302 and first["Location"].endswith("?voted=1#vote")
    assert Vote.objects.filter(article=found).count() == 1
    found.refresh_from_db()
    assert found.helpful_yes == 1


def test_votes_on_hidden_articles_are_404(public):
    hidden = article(visibility=Visibility.INTERNAL)
    assert public.post(f"/help/articles/{hidden.pk}/vote/", {"helpful": "yes"}).status_code == 404


def test_editor_needs_a_signed_in_agent(public):
    response = public.get("/articles/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_agent_saves_an_internal_article_and_its_history_is_listed(web, agent):
    category_id = article().category_id

    response = web.post(
        "/articles/new/",
        {
            "title": "Refund exceptions",
            "category": category_id,
            "body": "Ask a lead.",
            "visibility": "internal",
            "status": "published",
            "note": "First version",
        },
    )

    created = Article.objects.get(title="Refund exceptions")
    assert response.status_code == 302
    assert created.author == agent
    history = web.get(f"/articles/{created.pk}/revisions/").content.decode()
    assert "First version" in history and agent.display_name in history


def test_an_agent_cannot_publish_publicly_and_sees_why(web):
    category_id = article().category_id

    response = web.post(
        "/articles/new/",
        {"title": "Public answer", "category": category_id, "body": "x", "visibility": "public", "status": "published"},
    )

    assert response.status_code == 400
    assert "Only a lead can publish" in response.content.decode()
    assert not Article.objects.filter(title="Public answer").exists()


def test_preview_renders_markdown_for_htmx(web):
    response = web.post("/articles/preview/", {"body": "# Hello\n\n*there*"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<h2>Hello</h2>" in response.content.decode() and "<em>there</em>" in response.content.decode()


def test_draft_from_a_solved_conversation_prefills_the_editor(web, agent):
    article()
    conversation = owned_conversation(agent, subject="Refund never arrived", text="My refund never came back.")
    conversation_services.reply(conversation, text="Refunds take 10 working days; yours is on its way.", actor=agent)

    page = web.get("/articles/new/", {"from": conversation.pk}).content.decode()

    assert 'value="Refund never arrived"' in page
    assert "&gt; My refund never came back." in page
    assert "Refunds take 10 working days; yours is on its way." in page


def test_gap_report_is_for_leads_and_groups_uncovered_topics(web, lead_web, agent):
    article("Refunds and how long they take", "Refunds reach your card within ten working days.")
    for n in range(3):
        owned_conversation(
            agent, subject=f"Payroll tax code wrong {n}", text="The payroll tax code on payslips is wrong"
        )
    owned_conversation(agent, subject="Refund", text="When do refunds reach my card?")

    assert web.get("/articles/gaps/").status_code == 403
    page = lead_web.get("/articles/gaps/").content.decode()

    assert "payroll" in page.lower()
    assert "3 conversations" in page
    assert "Refund</a>" not in page  # covered by the refund article


def test_sidebar_fragment_suggests_articles_and_similar_solved_conversations(web, agent):
    refund = article("Refunds and how long they take", "Refunds reach your card within ten working days.")
    internal = article("Refund exceptions", "Refund annual plans within 30 days.", visibility=Visibility.INTERNAL)
    solved = owned_conversation(agent, subject="Refund not received", text="My refund has not been received")
    conversation_services.reply(solved, text="Your refund left us on Monday.", actor=agent)
    conversation_services.change_status(solved, status="solved", actor=agent)
    current = owned_conversation(agent, subject="Refund not here", text="The refund has not been received yet")

    page = web.get(f"/articles/for/{current.pk}/").content.decode()

    assert refund.title in page and internal.title in page and "Internal" in page
    assert f"#{solved.pk} Refund not received" in page and "Your refund left us on Monday." in page
    assert 'data-help-insert="link"' in page and f'data-conversation-id="{current.pk}"' in page


def test_sidebar_partial_loads_itself_after_the_page(web, agent):
    from django.template.loader import render_to_string

    current = owned_conversation(agent)
    html = render_to_string("helpcenter/_sidebar.html", {"conversation": current})

    assert f'hx-get="/articles/for/{current.pk}/"' in html and "sidebar.js" in html
