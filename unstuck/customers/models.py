from django.db import models

from unstuck.core.models import TimeStampedModel


class IdentityKind(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    HANDLE = "handle", "Social handle"
    EXTERNAL_ID = "external_id", "External ID"


class Customer(TimeStampedModel):
    """One person, however many addresses and handles they write from."""

    name = models.CharField(max_length=200, blank=True)
    company = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        first = next(iter(self.identities.all()), None)  # uses a prefetch when there is one
        return first.value if first else f"Customer {self.pk}"

    @property
    def initials(self) -> str:
        parts = self.display_name.replace("@", " ").split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    @property
    def avatar_hue(self) -> int:
        return (self.pk or 0) * 47 % 360


class Identity(TimeStampedModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=20, choices=IdentityKind.choices)
    value = models.CharField(max_length=254)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="identity_unique_kind_value")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
