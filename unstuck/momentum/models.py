"""What keeps a conversation moving: the desk's targets and calendar, promises, nudges, collaborators,
scope checks and calls."""

from __future__ import annotations

from datetime import date, time

from django.db import models
from django.utils import timezone

from unstuck.accounts.models import Agent, Team
from unstuck.conversations.models import Conversation, Level, Message
from unstuck.core.clock import BusinessCalendar
from unstuck.core.models import TimeStampedModel


class DeskCalendar(TimeStampedModel):
    """The desk's business hours; one row. Business-hours targets only count working time."""

    tz = models.CharField("time zone", max_length=64, default="UTC")
    start = models.TimeField(default=time(9, 0))
    end = models.TimeField(default=time(17, 0))
    weekdays = models.JSONField(default=list)  # Monday = 0
    holidays = models.JSONField(default=list, blank=True)  # ISO dates

    def as_calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            tz=self.tz,
            start=self.start,
            end=self.end,
            weekdays=frozenset(int(d) for d in (self.weekdays or [0, 1, 2, 3, 4])),
            holidays=frozenset(date.fromisoformat(d) for d in self.holidays or []),
        )


class LevelPolicy(TimeStampedModel):
    """Targets for one level of the hierarchy (PRODUCT.md section 2); leads tune them."""

    level = models.PositiveSmallIntegerField(choices=Level.choices, unique=True)
    first_reply_minutes = models.PositiveIntegerField()
    update_minutes = models.PositiveIntegerField(null=True, blank=True)  # None: no update cadence
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    business_hours = models.BooleanField(default=True)

    class Meta:
        ordering = ["level"]


class Routing(TimeStampedModel):
    """How new conversations find their owner; one row."""

    auto_assign = models.BooleanField(default=True)
    load_cap = models.PositiveIntegerField(default=25)  # open conversations per agent
    on_call = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")


class RoundRobin(models.Model):
    """When each agent last received an automatic assignment: the next one goes to whoever waited longest."""

    agent = models.OneToOneField(Agent, on_delete=models.CASCADE, related_name="round_robin")
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.agent} last assigned {self.last_assigned_at}"


class PromiseStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    KEPT = "kept", "Kept"
    BROKEN = "broken", "Broken"


class Promise(models.Model):
    """'I'll write again by 3 pm', written into a reply: the next update is due then, whatever the cadence."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="promises")
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    made_by = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, related_name="+")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=PromiseStatus.choices, default=PromiseStatus.PENDING)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="promise_status_due")]

    def __str__(self) -> str:
        return f"Update by {self.due_at:%Y-%m-%d %H:%M} ({self.status})"


class NudgeKind(models.TextChoices):
    DUE_SOON = "due_soon", "Update due soon"
    OVERDUE = "overdue", "Update overdue"
    LEAD_OVERDUE = "lead_overdue", "Overdue by more than a cadence"
    PROMISE_BROKEN = "promise_broken", "Promise broken"
    SCOPE_CHECK = "scope_check", "Scope check time is up"


class Nudge(models.Model):
    """One reminder to one agent about one deadline; unique, so a restarted sweep never repeats it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="nudges")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="nudges")
    kind = models.CharField(max_length=16, choices=NudgeKind.choices)
    due_at = models.DateTimeField()  # the deadline this nudge is about
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "agent", "kind", "due_at"], name="nudge_once"),
        ]
        indexes = [models.Index(fields=["agent", "read_at"], name="nudge_agent_unread")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: #{self.conversation_id} for {self.agent}"


class CollaboratorKind(models.TextChoices):
    AGENT = "agent", "Agent"
    TEAM = "team", "Team"
    VENDOR = "vendor", "Vendor contact"


class Collaborator(TimeStampedModel):
    """Someone helping on a conversation the owner keeps: a colleague, a team or an outside vendor."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="collaborators")
    kind = models.CharField(max_length=8, choices=CollaboratorKind.choices)
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    vendor_name = models.CharField(max_length=120, blank=True)
    vendor_email = models.EmailField(blank=True)
    added_by = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        if self.kind == CollaboratorKind.AGENT and self.agent:
            return str(self.agent)
        if self.kind == CollaboratorKind.TEAM and self.team:
            return f"{self.team.name} team"
        return self.vendor_name or self.vendor_email


class SideMessage(models.Model):
    """A message in the internal side thread with collaborators; the customer never sees it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="side_messages")
    collaborator = models.ForeignKey(Collaborator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author_agent = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    from_vendor = models.BooleanField(default=False)
    text = models.TextField()
    external_id = models.CharField(max_length=255, blank=True, db_index=True)  # Message-ID of vendor mail
    delivery_status = models.CharField(max_length=10, blank=True)
    delivery_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"

    @property
    def author_name(self) -> str:
        if self.author_agent:
            return str(self.author_agent)
        return str(self.collaborator) if self.collaborator else "Vendor"


class Finding(models.TextChoices):
    OUR_PRODUCT = "our_product", "Our product"
    THIRD_PARTY = "third_party", "Third party"
    CUSTOM = "custom", "Custom implementation"
    UNCLEAR = "unclear", "Unclear"


class ScopeCheck(models.Model):
    """A timeboxed look at whether a problem is ours, ending in a finding and a direction for the customer."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="scope_checks")
    started_by = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    minutes = models.PositiveSmallIntegerField(default=20)
    ends_at = models.DateTimeField()
    finding = models.CharField(max_length=12, choices=Finding.choices, blank=True)
    third_party = models.CharField(max_length=120, blank=True)
    direction = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Scope check on #{self.conversation_id} ({self.minutes} min)"

    @property
    def is_running(self) -> bool:
        return self.finished_at is None

    @property
    def finding_label(self) -> str:
        if self.finding == Finding.THIRD_PARTY and self.third_party:
            return f"Third party: {self.third_party}"
        return self.get_finding_display()


class CallOutcome(models.TextChoices):
    DECISION = "decision", "A decision"
    NEXT_STEP = "next_step", "A next step"
    OWNER = "owner", "A named owner of the next action"


class Call(TimeStampedModel):
    """A logged call. Calls are expensive, so each must end with an outcome; one without is flagged."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="calls")
    logged_by = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    attendees = models.CharField(max_length=300)
    outcome_kind = models.CharField(max_length=10, choices=CallOutcome.choices, blank=True)
    outcome = models.CharField(max_length=500, blank=True)
    outcome_owner = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at"]

    @property
    def flagged(self) -> bool:
        return not self.outcome_kind
