"""The REST API, /api/v1: one NinjaAPI, a router per app, and errors as {"code", "detail"} in one place."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from unstuck.accounts.api import router as accounts_router
from unstuck.conversations.api import router as conversations_router
from unstuck.core.auth import AgentSessionAuth, TokenAuth
from unstuck.core.errors import DomainError
from unstuck.customers.api import router as customers_router
from unstuck.helpcenter.api import router as helpcenter_router
from unstuck.momentum.api import router as momentum_router
from unstuck.triage.api import router as triage_router
from unstuck.widget.api import router as widget_router

api = NinjaAPI(
    title="Unstuck API",
    version="1",
    description="Conversations, customers and agents of an Unstuck desk. Authenticate with `Authorization: "
    "Bearer <token>` (create tokens under Settings → API tokens).",
    auth=[TokenAuth(), AgentSessionAuth()],
    urls_namespace="api-v1",
)
api.add_router("/conversations", conversations_router)
api.add_router("/customers", customers_router)
api.add_router("/agents", accounts_router)
api.add_router("/help", helpcenter_router)
api.add_router("/momentum", momentum_router)
api.add_router("/triage", triage_router)
api.add_router("/widget", widget_router)


def _error(request: HttpRequest, status: int, code: str, detail: object, **extra: object) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status_code, exc.code, exc.message)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query"))
        problems.append(f"{where or 'request'}: {error.get('msg', 'invalid')}")
    return _error(request, 422, "invalid_request", "; ".join(problems), errors=exc.errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "Send a valid API token: Authorization: Bearer <token>.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))
