from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    """Every row knows when it was made and last changed; the audit trail relies on it."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
