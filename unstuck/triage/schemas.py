from datetime import datetime

from ninja import Schema


class TriageDecisionOut(Schema):
    conversation_id: int
    message_id: int | None
    level: int
    level_confidence: float
    perceived_urgency: int
    urgent: bool
    urgency_score: float
    temperature: str
    temperature_trend: str
    category: str | None
    category_confidence: float | None
    reasons: dict[str, list[str]]
    applied: list[str]
    burst_size: int
    burst_window_minutes: int
    model_version: str
    category_model_version: str
    engine: str
    created_at: datetime

    @staticmethod
    def resolve_category(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.category.name if obj.category_id else None
