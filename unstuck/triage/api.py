from ninja import Router

from unstuck.conversations import selectors as conversation_selectors
from unstuck.core.auth import AuthedRequest
from unstuck.core.errors import NotFound

from . import selectors
from .models import TriageDecision
from .schemas import TriageDecisionOut

router = Router(tags=["triage"])


@router.get("/conversations/{conversation_id}", response=TriageDecisionOut)
def get_latest_decision(request: AuthedRequest, conversation_id: int) -> TriageDecision:
    """The latest triage decision on a conversation, with its reasons and model version."""
    conversation = conversation_selectors.access_conversation(request.agent, conversation_id)
    decision = selectors.latest_decision(conversation)
    if decision is None:
        raise NotFound(f"A triage decision for conversation {conversation_id}")
    return decision
