from django.db import models


class SearchDocument(models.Model):
    """A searchable copy of one row (a message, a conversation subject, a customer, later an article).

    The full-text index over it is vendor specific (SQLite FTS5 table, PostgreSQL GIN index) and is
    created by this app's migration; code reaches it only through `unstuck.search.engine`.
    """

    kind = models.CharField(max_length=20)
    ref_id = models.BigIntegerField()
    group_id = models.BigIntegerField(null=True, blank=True, db_index=True)  # e.g. a message's conversation
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "ref_id"], name="searchdoc_kind_ref")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref_id}"


class SearchTerm(models.Model):
    """A word seen in the titles of a kind, for typo correction ("refnud" → "refund") on any database."""

    kind = models.CharField(max_length=20)
    term = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "term"], name="searchterm_kind_term")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.term}"
