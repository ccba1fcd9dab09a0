from datetime import datetime

from ninja import Field, Schema


class PromiseOut(Schema):
    due_at: datetime
    status: str


class ScopeCheckOut(Schema):
    started_at: datetime
    ends_at: datetime
    minutes: int
    finding: str
    third_party: str
    direction: str
    finished_at: datetime | None


class CallOut(Schema):
    id: int
    started_at: datetime
    duration_minutes: int
    attendees: str
    outcome_kind: str
    outcome: str
    flagged: bool


class MomentumOut(Schema):
    """Where a conversation stands: its deadlines, stuck time, promise, scope check and calls."""

    conversation_id: int
    first_reply_due: datetime | None
    next_update_due: datetime | None
    resolution_due: datetime | None
    due_at: datetime | None
    due_state: str = Field(..., description='"", "due_soon" (within 15 minutes) or "overdue"')
    stuck_seconds: int
    felt_stuck: bool
    promise: PromiseOut | None
    scope_check: ScopeCheckOut | None
    calls: list[CallOut]
    call_suggestion: str | None
    collaborators: list[str]


class NudgeOut(Schema):
    id: int
    conversation_id: int
    kind: str
    due_at: datetime
    created_at: datetime


class PolicyOut(Schema):
    level: int
    first_reply_minutes: int
    update_minutes: int | None
    resolution_minutes: int | None
    business_hours: bool


class PolicyIn(Schema):
    first_reply_minutes: int = Field(..., ge=1)
    update_minutes: int | None = Field(None, ge=1)
    resolution_minutes: int | None = Field(None, ge=1)
    business_hours: bool
