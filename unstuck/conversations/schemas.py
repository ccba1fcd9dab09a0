from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from unstuck.accounts.schemas import AgentRef
from unstuck.customers.schemas import CustomerIn, CustomerRef

from .models import Channel, Level, NextStepBy, Status, Temperature

LevelInt = Literal[1, 2, 3, 4, 5]


class ConversationOut(Schema):
    id: int
    subject: str
    status: Status
    level: int | None
    level_name: str | None
    category: str | None
    owner: AgentRef | None
    customer: CustomerRef
    channel: Channel
    next_step: str
    next_step_by: NextStepBy
    temperature: Temperature
    temperature_trend: str
    perceived_urgency: int | None
    handoff_count: int
    reopen_count: int
    message_count: int
    reply_count: int
    first_reply_due: datetime | None
    next_update_due: datetime | None
    due_at: datetime | None
    resolution_due: datetime | None
    promise_due: datetime | None
    stuck_seconds: int
    felt_stuck: bool
    last_heard_at: datetime | None
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_level_name(obj) -> str | None:  # type: ignore[no-untyped-def]
        return Level(obj.level).label if obj.level else None

    @staticmethod
    def resolve_category(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.category.name if obj.category_id else None

    @staticmethod
    def resolve_owner(obj) -> dict | None:  # type: ignore[no-untyped-def]
        return {"id": obj.owner.pk, "name": obj.owner.display_name} if obj.owner_id else None

    @staticmethod
    def resolve_customer(obj) -> dict:  # type: ignore[no-untyped-def]
        return {"id": obj.customer.pk, "name": obj.customer.display_name}


class ConversationPage(Schema):
    items: list[ConversationOut]
    next_cursor: str | None


class ConversationCreateIn(Schema):
    subject: str = Field("", max_length=250)
    text: str = Field(..., min_length=1, max_length=50_000)
    html: str = Field("", max_length=200_000)
    channel: Channel = Channel.API
    customer: CustomerIn
    level: LevelInt | None = None
    perceived_urgency: LevelInt | None = None
    category: str | None = Field(None, max_length=80)
    external_id: str = Field("", max_length=255)


class ConversationPatchIn(Schema):
    """Only the fields present are changed, each through its own rule-checking service."""

    status: Status | None = None
    level: LevelInt | None = None
    category: str | None = Field(None, max_length=80)
    next_step: str | None = Field(None, min_length=1, max_length=500)
    next_step_by: NextStepBy | None = None
    owner_id: int | None = Field(None, gt=0)
    handoff_note: str = Field("", max_length=500)
    temperature: Temperature | None = None
    perceived_urgency: LevelInt | None = None


class ListFilters(Schema):
    view: Literal["mine", "unassigned", "open", "waiting", "solved", "all"] = "open"
    status: Status | None = None
    level: int | None = Field(None, ge=1, le=5)  # query strings arrive as text, so no Literal here
    owner_id: int | None = Field(None, gt=0)
    category_id: int | None = Field(None, gt=0)
    channel: Channel | None = None
    customer_id: int | None = Field(None, gt=0)
    overdue: bool = False
    cursor: str | None = Field(None, max_length=100)
    limit: int = Field(50, ge=1, le=200)


class AttachmentOut(Schema):
    filename: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.file.url if obj.file else ""


class MessageOut(Schema):
    id: int
    conversation_id: int
    kind: str
    channel: str
    author: str
    author_agent_id: int | None
    author_customer_id: int | None
    text: str
    html: str
    external_id: str
    delivery_status: str
    delivery_error: str
    attachments: list[AttachmentOut]
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> str:  # type: ignore[no-untyped-def]
        return obj.author_name

    @staticmethod
    def resolve_attachments(obj) -> list:  # type: ignore[no-untyped-def]
        return list(obj.attachments.all())


class MessageIn(Schema):
    kind: Literal["reply", "note", "customer"] = "reply"
    text: str = Field(..., min_length=1, max_length=50_000)
    seen_message_id: int | None = Field(None, ge=0)
    force: bool = False
    next_step: str | None = Field(None, max_length=500)
    promise_due: datetime | None = Field(
        None, description="A reply only: when we will write again; written into the reply, due if sooner than cadence."
    )


class MergeIn(Schema):
    into_id: int = Field(..., gt=0)
