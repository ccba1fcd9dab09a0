from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The signed-in agent and the inbox counts the sidebar shows on every workspace page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from unstuck.accounts.selectors import find_agent_for_user
    from unstuck.conversations.selectors import inbox_counts

    agent = find_agent_for_user(user)
    if agent is None:
        return {}
    levels = [(1, "Outage"), (2, "Money"), (3, "Defect"), (4, "Guidance"), (5, "Feedback")]
    from unstuck.momentum.selectors import unread_nudge_count

    return {
        "me": agent,
        "inbox_counts": inbox_counts(agent),
        "level_names": levels,
        "nudge_count": unread_nudge_count(agent),
    }
