from django.db import models
from django.utils import timezone

from unstuck.accounts.models import Agent
from unstuck.conversations.models import Category, Conversation, Message, Temperature, Trend


class ModelKind(models.TextChoices):
    HIERARCHY = "hierarchy", "Hierarchy (level, urgency, temperature)"
    CATEGORY = "category", "Desk categories"


class TriageModel(models.Model):
    """One trained model version; kept in the database so a restart (or another worker) serves the same one."""

    kind = models.CharField(max_length=12, choices=ModelKind.choices)
    version = models.CharField(max_length=64, unique=True)
    engine = models.CharField(max_length=12, default="default")
    active = models.BooleanField(default=False)
    metrics = models.JSONField(default=dict, blank=True)
    n_labels = models.PositiveIntegerField(default=0)
    # The newest label seen when this version was trained: "new labels since" counts from here.
    last_label_id = models.PositiveBigIntegerField(default=0)
    blob = models.BinaryField()  # zlib-compressed pickle of the fitted model
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "engine", "active"], name="triage_model_active")]

    def __str__(self) -> str:
        return f"{self.kind} {self.version}{' (active)' if self.active else ''}"


class TriageLabel(models.Model):
    """An agent's correction of a triage field: ground truth for the next model."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="triage_labels")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    field = models.CharField(max_length=20)  # level, category, temperature or perceived_urgency
    value = models.CharField(max_length=40, blank=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.TextField()
    actor = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["field", "id"], name="triage_label_field")]

    def __str__(self) -> str:
        return f"{self.field}={self.value} on #{self.conversation_id}"

    @property
    def held_out(self) -> bool:
        """Every fifth label is never trained on: new versions are compared on these."""
        return self.pk % 5 == 0


class TriageDecision(models.Model):
    """What triage read in one inbound message, why, and with which model version."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="triage_decisions")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    level = models.PositiveSmallIntegerField()
    level_confidence = models.FloatField(default=0.0)
    urgent = models.BooleanField(default=False)
    urgency_score = models.FloatField(default=0.0)
    perceived_urgency = models.PositiveSmallIntegerField()
    temperature = models.CharField(max_length=5, choices=Temperature.choices, default=Temperature.CALM)
    temperature_trend = models.CharField(max_length=8, choices=Trend.choices, default=Trend.STEADY)
    heat = models.FloatField(default=0.0)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    category_confidence = models.FloatField(null=True, blank=True)
    # {"level": [...phrases], "urgency": [...], "temperature": [...], "category": [...], "burst": [...]}
    reasons = models.JSONField(default=dict, blank=True)
    applied = models.JSONField(default=list, blank=True)  # the conversation fields this decision set
    burst_size = models.PositiveIntegerField(default=1)
    burst_window_minutes = models.PositiveIntegerField(default=30)
    signature = models.JSONField(default=list, blank=True)  # content tokens, to find similar messages
    topics = models.JSONField(default=list, blank=True)  # failure cues ("1:login"), shared by a burst
    model_version = models.CharField(max_length=64)
    category_model_version = models.CharField(max_length=64, blank=True)
    engine = models.CharField(max_length=12, default="default")
    elapsed_ms = models.FloatField(default=0.0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["conversation", "-id"], name="triage_decision_conv")]

    def __str__(self) -> str:
        return f"level {self.level} on #{self.conversation_id} ({self.model_version})"

    @property
    def is_burst(self) -> bool:
        return self.burst_size > 1
