from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "unstuck.conversations"
    label = "conversations"

    def ready(self) -> None:
        from unstuck.core.periodic import register

        register(60, "unstuck.conversations.tasks.prune_presence")
