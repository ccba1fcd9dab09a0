from django.http import HttpRequest
from ninja import Router

from . import selectors
from .models import Agent
from .schemas import AgentOut

router = Router(tags=["agents"])


def agent_out(agent: Agent) -> dict:
    return {
        "id": agent.pk,
        "username": agent.user.username,
        "name": agent.display_name,
        "email": agent.email,
        "role": agent.role,
        "teams": [team.name for team in agent.teams.all()],
        "is_available": agent.is_available,
    }


@router.get("", response=list[AgentOut])
def list_agents(request: HttpRequest) -> list[dict]:
    return [agent_out(agent) for agent in selectors.list_agents()]
