from datetime import timedelta

from django.db import models
from django.utils import timezone

from unstuck.accounts.models import Agent, Team
from unstuck.core.models import TimeStampedModel
from unstuck.customers.models import Customer


class Level(models.IntegerChoices):
    OUTAGE = 1, "Outage"
    MONEY = 2, "Money"
    DEFECT = 3, "Defect"
    GUIDANCE = 4, "Guidance"
    FEEDBACK = 5, "Feedback"


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    WAITING_CUSTOMER = "waiting_customer", "Waiting on customer"
    WAITING_THIRD_PARTY = "waiting_third_party", "Waiting on third party"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY)


class Temperature(models.TextChoices):
    CALM = "calm", "Calm"
    WARM = "warm", "Warm"
    HOT = "hot", "Hot"


class Trend(models.TextChoices):
    RISING = "rising", "Rising"
    STEADY = "steady", "Steady"
    FALLING = "falling", "Falling"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    WEB = "web", "Web form"
    API = "api", "API"
    PHONE = "phone", "Phone"


class NextStepBy(models.TextChoices):
    US = "us", "Us"
    CUSTOMER = "customer", "Customer"
    THIRD_PARTY = "third_party", "Third party"


class Category(TimeStampedModel):
    """The desk's own topics, e.g. "Refund not received"."""

    name = models.CharField(max_length=80, unique=True)
    default_level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Conversation(TimeStampedModel):
    """One customer problem, across any channel, with one owner and a next step."""

    subject = models.CharField(max_length=250)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="conversations")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    level = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True)
    owner = models.ForeignKey(Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="owned")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    next_step = models.CharField(max_length=500, blank=True)
    next_step_by = models.CharField(max_length=12, choices=NextStepBy.choices, default=NextStepBy.US)
    temperature = models.CharField(max_length=5, choices=Temperature.choices, default=Temperature.CALM)
    temperature_trend = models.CharField(max_length=8, choices=Trend.choices, default=Trend.STEADY)
    # How urgent the customer thinks it is, on the same 1-5 scale as the level (1 = most urgent).
    perceived_urgency = models.PositiveSmallIntegerField(choices=Level.choices, null=True, blank=True)
    handoff_count = models.PositiveIntegerField(default=0)
    reopen_count = models.PositiveIntegerField(default=0)
    message_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    # Clocks, kept by services: the inbox sorts by `due_at`, the earliest promise we owe the customer.
    first_reply_due = models.DateTimeField(null=True, blank=True)
    next_update_due = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    promise_due = models.DateTimeField(null=True, blank=True)  # "I'll write again by …", when sooner than cadence
    # Stuck time: minutes the customer waited past a deadline (first reply, cadence or promise), added up.
    stuck_seconds = models.PositiveIntegerField(default=0)
    stuck_counted_until = models.DateTimeField(null=True, blank=True)
    felt_stuck = models.BooleanField(default=False)
    # Which deadline the sweep last nudged about, and how far (1 due soon, 2 overdue, 3 lead told).
    nudged_for = models.DateTimeField(null=True, blank=True)
    nudge_stage = models.PositiveSmallIntegerField(default=0)
    first_replied_at = models.DateTimeField(null=True, blank=True)
    last_heard_at = models.DateTimeField(null=True, blank=True)  # the customer last heard from a person here
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(default=timezone.now)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Computed by the database from the status, so it can never disagree with it.
    is_active = models.GeneratedField(
        expression=models.ExpressionWrapper(models.Q(status__in=ACTIVE_STATUSES), output_field=models.BooleanField()),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [
            # Inbox views sort by what is due first. `is_active` leads the index so "all open" is one range
            # scan already in due order, instead of a merge of four status ranges and a sort.
            models.Index(fields=["is_active", "due_at", "id"], name="conv_active_due"),
            models.Index(fields=["owner", "is_active", "due_at", "id"], name="conv_owner_active_due"),
            models.Index(fields=["level", "is_active", "due_at", "id"], name="conv_level_active_due"),
            models.Index(fields=["status", "due_at", "id"], name="conv_status_due"),
            models.Index(fields=["customer", "created_at"], name="conv_customer_created"),
            models.Index(fields=["is_active", "resolution_due"], name="conv_active_resolution"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_active_status(self) -> bool:
        """Like `is_active`, but read from the status in memory (the generated column refreshes on reload)."""
        return self.status in ACTIVE_STATUSES

    @property
    def is_due_soon(self) -> bool:
        """Inside the 15 minutes before its deadline: when the owner is nudged."""
        now = timezone.now()
        return self.due_at is not None and now <= self.due_at <= now + timedelta(minutes=15)

    @property
    def is_overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()

    @property
    def last_heard_reference(self):  # type: ignore[no-untyped-def]
        """Since when the customer has waited to hear from a person: our last reply, or their first message."""
        return self.last_heard_at or self.created_at


class MessageKind(models.TextChoices):
    INBOUND = "inbound", "Customer message"
    OUTBOUND = "outbound", "Reply"
    NOTE = "note", "Internal note"


class DeliveryStatus(models.TextChoices):
    NONE = "", "Not sent"
    PENDING = "pending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Message(TimeStampedModel):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    author_agent = models.ForeignKey(Agent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author_customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.TextField()
    html = models.TextField(blank=True)  # always sanitised before it is stored
    external_id = models.CharField(max_length=255, blank=True, db_index=True)  # e.g. the email Message-ID
    delivery_status = models.CharField(max_length=10, choices=DeliveryStatus.choices, blank=True, default="")
    delivery_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="msg_conv_created")]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.conversation_id}"

    @property
    def author_name(self) -> str:
        if self.author_agent:
            return self.author_agent.display_name
        if self.author_customer:
            return self.author_customer.display_name
        return "Unknown"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{instance.message_id}-{filename}"


class Attachment(TimeStampedModel):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120, default="application/octet-stream")
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.filename


class Event(models.Model):
    """One row per change: the conversation timeline and the audit trail are read from here."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=40, db_index=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="event_conv_created")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"


class Handoff(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="handoffs")
    from_agent = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, related_name="+")
    to_agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(Agent, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"#{self.conversation_id}: {self.from_agent} → {self.to_agent}"


class PresenceState(models.TextChoices):
    VIEWING = "viewing", "Viewing"
    REPLYING = "replying", "Replying"


class Presence(models.Model):
    """Who has a conversation open right now, refreshed by a heartbeat from their browser."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="presences")
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=PresenceState.choices, default=PresenceState.VIEWING)
    last_seen = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "agent"], name="presence_unique")]

    def __str__(self) -> str:
        return f"{self.agent} {self.state} #{self.conversation_id}"
