import uuid

from django.db import models

from unstuck.conversations.models import Conversation
from unstuck.core.models import TimeStampedModel


class Visitor(TimeStampedModel):
    """A chat-widget visitor, known only by the signed key in their browser's localStorage.

    The person behind it is the customer holding the identity `external_id: visitor:<key>`; that identity
    moves with merges and splits, so the customer is always looked up through it, never stored here.
    """

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # The chat this browser shows; replaced when the visitor starts a new chat or writes after it closed.
    conversation = models.ForeignKey(Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Set once the visitor leaves an address because nobody was online: replies then go by email.
    email = models.EmailField(blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"visitor:{self.key}"

    @property
    def identity_value(self) -> str:
        return f"visitor:{self.key}"
