from datetime import datetime

from ninja import Schema
from pydantic import EmailStr, Field, model_validator


class IdentityOut(Schema):
    kind: str
    value: str


class CustomerOut(Schema):
    id: int
    name: str
    company: str
    identities: list[IdentityOut]
    created_at: datetime


class CustomerRef(Schema):
    id: int
    name: str


class CustomerIn(Schema):
    """Who wrote: at least one identity, so the message lands on the right person's timeline."""

    name: str = Field("", max_length=200)
    email: EmailStr | None = None
    phone: str | None = Field(None, min_length=6, max_length=32, pattern=r"^\+?[\d\s().\-]+$")
    handle: str | None = Field(None, min_length=1, max_length=65, pattern=r"^@?[A-Za-z0-9_.\-]+$")
    external_id: str | None = Field(None, min_length=1, max_length=254)

    @model_validator(mode="after")
    def needs_an_identity(self) -> "CustomerIn":
        if not any([self.email, self.phone, self.handle, self.external_id]):
            raise ValueError("give at least one of email, phone, handle or external_id")
        return self

    def identities(self) -> list[tuple[str, str]]:
        pairs = [("email", self.email), ("phone", self.phone), ("handle", self.handle)]
        pairs.append(("external_id", self.external_id))
        return [(kind, str(value)) for kind, value in pairs if value]


class CustomerMergeIn(Schema):
    into_id: int = Field(..., gt=0)
