"""View decorators: every workspace page needs a signed-in agent, and domain errors become messages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from unstuck.accounts.selectors import find_agent_for_user


def agent_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required, and the user must be an agent; sets `request.agent`."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        agent = find_agent_for_user(request.user)
        if agent is None:
            raise PermissionDenied("This login is not an agent of the desk.")
        request.agent = agent  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
