from .actions import change_owner, change_status, change_triage, merge, next_step, split
from .detail import conversation, live, send
from .inbox import inbox, search

__all__ = [
    "change_owner",
    "change_status",
    "change_triage",
    "conversation",
    "inbox",
    "live",
    "merge",
    "next_step",
    "search",
    "send",
    "split",
]
