from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "unstuck.conversations"
    label = "conversations"
