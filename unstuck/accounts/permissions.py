"""Who may do what: agents work conversations, leads steer the desk, admins run it."""

from unstuck.core.errors import Forbidden

from .models import Agent, Role


def require_role(agent: Agent, role: Role, action: str) -> None:
    """Refuse `action` unless the agent's role is at least `role`."""
    if not agent.has_role(role):
        name = role.label.lower()
        article = "an" if name[0] in "aeiou" else "a"
        raise Forbidden(f"Only {article} {name} can {action}.")
