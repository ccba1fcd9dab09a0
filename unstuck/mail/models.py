from django.db import models
from django.utils import timezone

from unstuck.conversations.models import Conversation, Message
from unstuck.core.models import TimeStampedModel


class Security(models.TextChoices):
    SSL = "ssl", "SSL/TLS (port 993)"
    STARTTLS = "starttls", "STARTTLS (port 143)"
    NONE = "none", "None (local test servers only)"


class Mailbox(TimeStampedModel):
    """A support address we read over IMAP and send replies from."""

    name = models.CharField(max_length=80)
    address = models.EmailField(unique=True, help_text="Replies go out from this address.")
    imap_host = models.CharField(max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(max_length=200, blank=True)
    # Needed in clear to log in; never rendered back to a browser.
    password = models.CharField(max_length=500, blank=True)
    folder = models.CharField(max_length=200, default="INBOX")
    is_active = models.BooleanField(default=True)
    # Where the poller stopped: a new UIDVALIDITY means the server renumbered the folder.
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # Renewed every minute by the worker's IDLE watcher while the server pushes new mail to us.
    idle_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    @property
    def polls_imap(self) -> bool:
        return bool(self.is_active and self.imap_host and self.username)

    @property
    def receives_push(self) -> bool:
        """The worker holds an IDLE connection: new mail arrives within seconds, not at the next poll."""
        return bool(self.polls_imap and self.idle_until and self.idle_until > timezone.now())


class Source(models.TextChoices):
    IMAP = "imap", "IMAP"
    SMTP = "smtp", "SMTP listener"
    PIPE = "pipe", "Piped from the MTA"


class InboundStatus(models.TextChoices):
    FILED = "filed", "Filed"
    DUPLICATE = "duplicate", "Duplicate"
    AUTO_REPLY = "auto_reply", "Automatic reply"
    BOUNCE = "bounce", "Bounce"
    LOOP = "loop", "Mail loop"
    FAILED = "failed", "Could not be filed"


class InboundMail(TimeStampedModel):
    """Every message we received, kept raw, so nothing is ever lost even when it cannot be filed."""

    mailbox = models.ForeignKey(Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound")
    source = models.CharField(max_length=5, choices=Source.choices)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    raw = models.BinaryField()
    raw_sha256 = models.CharField(max_length=64, db_index=True)
    message_id_header = models.CharField(max_length=255, blank=True, db_index=True)
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    status = models.CharField(max_length=10, choices=InboundStatus.choices, db_index=True)
    reason = models.CharField(max_length=500, blank=True)
    charset_problems = models.JSONField(default=list, blank=True)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"],
                condition=models.Q(uid__isnull=False),
                name="inbound_mailbox_uid_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.status}: {self.subject or '(no subject)'} from {self.sender or '?'}"


class Delivery(TimeStampedModel):
    """Retry state of one outbound email reply: attempts so far and when to try again."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    mailbox = models.ForeignKey(Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"delivery of message {self.message_id} ({self.attempts} attempts)"
