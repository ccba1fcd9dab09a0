from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

SessionKey = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class SuggestionOut(Schema):
    id: int
    title: str
    url: str
    snippet: str  # HTML: escaped text with <mark> around matched words
    category: str


class ClickIn(Schema):
    session: str = SessionKey
    article_id: int
    query: str = Field(default="", max_length=300)


class SessionIn(Schema):
    session: str = SessionKey


class VoteIn(Schema):
    session: str = SessionKey
    helpful: bool


class VoteOut(Schema):
    article_id: int
    helpful: bool
    helpful_yes: int
    helpful_no: int


class UseIn(Schema):
    conversation_id: int
    mode: Literal["link", "text"] = "link"


class UseOut(Schema):
    id: int
    article_id: int
    conversation_id: int | None
    mode: str
    created_at: datetime


class SessionOut(Schema):
    session: str
    clicked: bool
    submitted: bool


class DeflectionOut(Schema):
    sessions_shown: int
    sessions_clicked: int
    deflected: int
    submitted_after_click: int
    in_progress: int
    deflection_rate: float


class ArticleOut(Schema):
    id: int
    title: str
    category: str
    visibility: str
    status: str
    url: str | None
    updated_at: datetime
