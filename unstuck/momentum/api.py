"""Momentum over the API: a conversation's deadlines and stuck time, my nudges, and the desk's targets."""

from ninja import Path, Router

from unstuck.conversations import selectors as conversation_selectors
from unstuck.core.auth import AuthedRequest

from . import selectors
from .models import LevelPolicy, Nudge
from .schemas import MomentumOut, NudgeOut, PolicyIn, PolicyOut
from .services import policies

router = Router(tags=["momentum"])


@router.get("/conversations/{conversation_id}", response=MomentumOut)
def conversation_momentum(request: AuthedRequest, conversation_id: int) -> dict:
    conversation = conversation_selectors.access_conversation(request.agent, conversation_id)
    m = selectors.conversation_momentum(conversation, request.agent)
    return {
        "conversation_id": conversation.pk,
        "first_reply_due": conversation.first_reply_due,
        "next_update_due": conversation.next_update_due,
        "resolution_due": conversation.resolution_due,
        "due_at": conversation.due_at,
        "due_state": m.due_state,
        "stuck_seconds": m.stuck_seconds,
        "felt_stuck": m.felt_stuck,
        "promise": m.promise,
        "scope_check": m.scope_check,
        "calls": m.calls,
        "call_suggestion": m.call_suggestion,
        "collaborators": [str(c) for c in m.collaborators],
    }


@router.get("/nudges", response=list[NudgeOut])
def my_nudges(request: AuthedRequest) -> list[Nudge]:
    """Conversations whose update is due within 15 minutes or overdue, for the calling agent."""
    return list(selectors.unread_nudges(request.agent))


@router.get("/policies", response=list[PolicyOut])
def list_policies(request: AuthedRequest) -> list[LevelPolicy]:
    return selectors.level_policies()


@router.put("/policies/{level}", response=PolicyOut)
def put_policy(request: AuthedRequest, payload: PolicyIn, level: int = Path(..., ge=1, le=5)) -> LevelPolicy:
    """Leads only. Open conversations' deadlines are recomputed in the background."""
    return policies.update_level_policy(level=level, **payload.dict(), actor=request.agent)
