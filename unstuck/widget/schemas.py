from typing import Any

from ninja import Schema
from pydantic import EmailStr, Field


class SessionIn(Schema):
    """The token the widget kept in localStorage, if any; a new visitor sends nothing."""

    token: str = Field("", max_length=500)


class SessionOut(Schema):
    token: str
    conversation_id: int | None
    messages: list[dict[str, Any]]
    email: str  # set once the visitor asked for replies by email
    availability: dict[str, Any]
    suggest_url: str | None  # article suggestions while typing


class MessageIn(Schema):
    text: str = Field(..., min_length=1, max_length=5_000)


class MessageOut(Schema):
    message: dict[str, Any]
    conversation_id: int
    availability: dict[str, Any]
    ask_email: bool  # nobody online and no address yet: the widget offers "reply by email"


class EmailIn(Schema):
    email: EmailStr


class EmailOut(Schema):
    email: str
    reply_by: str | None
    headline: str


class SuggestionOut(Schema):
    title: str
    url: str
