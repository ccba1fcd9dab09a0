"""The widget's public API: visitor-token auth (no agent login, no CSRF), CORS for any embedding site.

A visitor token is a signed random key (django.core.signing) kept in the browser's localStorage and sent
as `X-Visitor-Token` (or `?token=` where headers are impossible, i.e. EventSource). Because it is not a
cookie, allowing any origin cannot leak a session.
"""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from ninja import Query, Router

from . import conf, ratelimit, selectors, services, stream
from .schemas import EmailIn, EmailOut, MessageIn, MessageOut, SessionIn, SessionOut, SuggestionOut

router = Router(tags=["widget"], auth=None)

CORS_HEADERS = "Content-Type, X-Visitor-Token, Last-Event-ID"


def _allow_origin(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    origin = request.headers.get("Origin", "")
    allowed = conf.allowed_origins()
    if "*" in allowed:
        response["Access-Control-Allow-Origin"] = "*"
    elif origin in allowed:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


def with_cors(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Every widget response, errors included, carries CORS headers; preflights are answered here."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            response: HttpResponseBase = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = CORS_HEADERS
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = run(request, *args, **kwargs)
        return _allow_origin(request, response)

    return wrapper


router.add_decorator(with_cors, mode="view")


def _preflight(request: HttpRequest) -> HttpResponse:  # answered by with_cors before it runs
    return HttpResponse(status=204)


def _key(request: HttpRequest) -> uuid.UUID:
    token = request.headers.get("X-Visitor-Token") or request.GET.get("token", "")
    return selectors.visitor_key_from_token(token)


def _suggest_url() -> str | None:
    """Where the widget asks for article suggestions while the visitor types."""
    return reverse("api-v1:widget_suggest")


@router.post("/session", response=SessionOut)
def post_session(request: HttpRequest, payload: SessionIn) -> dict[str, Any]:
    """Resume a visitor from their stored token (their chat so far), or issue a new one."""
    try:
        token = payload.token
        key = selectors.visitor_key_from_token(token)
    except selectors.BadToken:
        token = services.issue_visitor_token()
        key = selectors.visitor_key_from_token(token)
    visitor = selectors.find_visitor(key)
    conversation = selectors.current_conversation(visitor)
    return {
        "token": token,
        "conversation_id": conversation.pk if conversation else None,
        "messages": [selectors.message_payload(m) for m in selectors.list_transcript(conversation)],
        "email": visitor.email if visitor and conversation and conversation.channel == "email" else "",
        "availability": selectors.get_availability().as_dict(),
        "suggest_url": _suggest_url(),
    }


@router.post("/messages", response=MessageOut)
def post_message(request: HttpRequest, payload: MessageIn) -> dict[str, Any]:
    """The visitor writes; limited per visitor and per IP (429 with a readable message past the limit)."""
    message = services.post_visitor_message(key=_key(request), text=payload.text, ip=ratelimit.client_ip(request.META))
    availability = selectors.get_availability()
    return {
        "message": selectors.message_payload(message),
        "conversation_id": message.conversation_id,
        "availability": availability.as_dict(),
        "ask_email": not availability.online and message.conversation.channel != "email",
    }


@router.post("/email", response=EmailOut)
def post_email(request: HttpRequest, payload: EmailIn) -> dict[str, Any]:
    """Nobody online: continue this chat by email."""
    visitor = services.leave_email(key=_key(request), email=str(payload.email))
    availability = selectors.get_availability()
    return {"email": visitor.email, "reply_by": availability.as_dict()["reply_by"], "headline": availability.headline}


@router.post("/new-chat", response={204: None})
def post_new_chat(request: HttpRequest) -> HttpResponse:
    services.start_new_chat(key=_key(request))
    return HttpResponse(status=204)


@router.get("/suggest", response=list[SuggestionOut], url_name="widget_suggest")
def get_suggestions(request: HttpRequest, q: str = Query("", max_length=300)) -> list[dict[str, Any]]:
    """Up to 3 help-center articles for what the visitor is typing (the help center's ranking, with CORS)."""
    from unstuck.helpcenter.selectors import suggest_articles

    if len(q.strip()) < 3:
        return []
    return [
        {"title": s.article.title, "url": request.build_absolute_uri(s.article.public_path)}
        for s in suggest_articles(q, limit=3)
    ]


@router.get("/stream")
def get_stream(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events: each reply to the visitor's chat as `event: reply`, `id:` its message id."""
    return stream.stream_response(request, _key(request))


for _path in ("/session", "/messages", "/email", "/new-chat", "/suggest", "/stream"):
    router.add_api_operation(_path, ["OPTIONS"], _preflight, include_in_schema=False)
