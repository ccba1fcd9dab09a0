import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from unstuck.core.errors import DomainError, Forbidden

from .models import Agent, ApiToken, Role, Team
from .permissions import require_role
from .selectors import hash_key

User = get_user_model()


@transaction.atomic
def create_agent(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    role: Role = Role.AGENT,
    teams: list[Team] | None = None,
    actor: Agent | None,
) -> Agent:
    """Only admins add people; `actor=None` is the installer or demo seeding."""
    if actor is not None:
        require_role(actor, Role.ADMIN, "add agents")
    if User.objects.filter(username=username).exists():
        raise DomainError("username_taken", f"The username {username!r} is already taken.")
    user = User.objects.create_user(
        username=username, email=email, password=password, first_name=first_name, last_name=last_name
    )
    agent = Agent.objects.create(user=user, role=role)
    if teams:
        agent.teams.set(teams)
    return agent


@transaction.atomic
def change_role(agent: Agent, *, role: Role, actor: Agent) -> Agent:
    require_role(actor, Role.ADMIN, "change roles")
    if agent == actor and role != Role.ADMIN:
        raise DomainError("last_admin", "You cannot remove your own admin role.")
    agent.role = role
    agent.save(update_fields=["role", "updated_at"])
    return agent


def set_availability(agent: Agent, *, available: bool) -> Agent:
    agent.is_available = available
    agent.save(update_fields=["is_available", "updated_at"])
    return agent


@transaction.atomic
def issue_api_token(agent: Agent, *, name: str, actor: Agent) -> tuple[ApiToken, str]:
    """Returns the token row and the key, which is shown to the person once and never stored."""
    if agent != actor:
        require_role(actor, Role.ADMIN, "create API tokens for someone else")
    name = name.strip()
    if not name:
        raise DomainError("token_name_required", "Give the token a name, such as the integration it is for.")
    key = "unst_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(agent=agent, name=name[:80], prefix=key[:12], key_hash=hash_key(key))
    return token, key


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: Agent) -> ApiToken:
    if token.agent_id != actor.pk and not actor.has_role(Role.ADMIN):
        raise Forbidden("Only the token's owner or an admin can revoke it.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token
