import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from unstuck.core.errors import NotFound

from .models import Agent, ApiToken, Team


def list_agents(*, active_only: bool = True) -> QuerySet[Agent]:
    agents = Agent.objects.select_related("user").prefetch_related("teams")
    return agents.filter(user__is_active=True) if active_only else agents


def get_agent(agent_id: int) -> Agent:
    try:
        return Agent.objects.select_related("user").get(pk=agent_id, user__is_active=True)
    except Agent.DoesNotExist as error:
        raise NotFound(f"Agent {agent_id}") from error


def find_agent_for_user(user: object) -> Agent | None:
    return Agent.objects.select_related("user").filter(user=user).first()  # type: ignore[misc]


def list_teams() -> QuerySet[Team]:
    return Team.objects.all()


def list_api_tokens(agent: Agent) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(agent=agent)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def find_agent_by_token(key: str) -> Agent | None:
    """The active agent a bearer key belongs to; stamps the token's last use."""
    token = (
        ApiToken.objects.select_related("agent__user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, agent__user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.agent
