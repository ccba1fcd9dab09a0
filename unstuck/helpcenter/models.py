from django.db import models
from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.core.models import TimeStampedModel


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ArticleCategory(TimeStampedModel):
    """A shelf of the help center, e.g. "Billing"; its slug is part of every article URL."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=90, unique=True)
    description = models.CharField(max_length=240, blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "article categories"

    def __str__(self) -> str:
        return self.name


class Article(TimeStampedModel):
    """A Markdown answer: public ones form the help center, internal ones help agents only."""

    category = models.ForeignKey(ArticleCategory, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=90)
    body = models.TextField(blank=True)  # Markdown; rendered and sanitised on the way out
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    author = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    external_id = models.CharField(max_length=120, blank=True, db_index=True)  # e.g. an imported row's id
    published_at = models.DateTimeField(null=True, blank=True)
    # Counters kept by services; ranking reads them without a join.
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    use_count = models.PositiveIntegerField(default=0)  # times agents inserted it into a reply

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["category", "slug"], name="article_category_slug")]
        indexes = [models.Index(fields=["status", "visibility"], name="article_status_visibility")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        """Visible to anyone without a login: published and public."""
        return self.status == ArticleStatus.PUBLISHED and self.visibility == Visibility.PUBLIC

    @property
    def public_path(self) -> str:
        return f"/help/{self.category.slug}/{self.slug}/"


class ArticleRevision(models.Model):
    """Every saved version of an article, so an edit can be read back and its author known."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    status = models.CharField(max_length=10, choices=ArticleStatus.choices)
    author = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_article_number")]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class VisitSession(models.Model):
    """One visitor's stay (an id in a cookie), to tell whether an article answered them before they wrote."""

    key = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    first_click_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key


class SuggestionEventKind(models.TextChoices):
    IMPRESSION = "impression", "Shown"
    CLICK = "click", "Opened"


class SuggestionEvent(models.Model):
    """An article shown to (or opened by) a visitor while they typed; one row per kind, session and article."""

    session = models.ForeignKey(VisitSession, on_delete=models.CASCADE, related_name="events")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=SuggestionEventKind.choices)
    query = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "article", "kind"], name="suggestion_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.article_id}"


class Vote(models.Model):
    """A "was this helpful?" answer; one per article and visit session."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    session_key = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "session_key"], name="vote_once_per_session")]

    def __str__(self) -> str:
        return f"{'yes' if self.helpful else 'no'} on {self.article_id}"


class ArticleUse(models.Model):
    """An agent put an article into a reply; the conversation's words teach the suggester what it answers."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="uses")
    conversation_id = models.BigIntegerField(null=True, blank=True)
    agent = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    mode = models.CharField(max_length=10, default="link")  # "link" or "text"
    context = models.TextField(blank=True)  # the conversation text the article answered
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.article_id} for #{self.conversation_id}"
