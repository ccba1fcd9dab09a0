"""Builders for widget tests, through the same services the API uses."""

from django.utils import timezone

from unstuck.accounts.models import Agent


def mark_online(agent: Agent) -> Agent:
    """An available agent who signed in just now counts as online for the widget."""
    agent.is_available = True
    agent.save(update_fields=["is_available"])
    agent.user.last_login = timezone.now()
    agent.user.save(update_fields=["last_login"])
    return agent


def agent_reply(conversation, text: str, agent: Agent):
    """An agent's reply through the real service, with the next step it asks for."""
    from unstuck.conversations import services

    return services.reply(conversation, text=text, actor=agent, next_step="Wait for the visitor to answer")
