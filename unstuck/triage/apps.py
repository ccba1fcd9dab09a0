from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "unstuck.triage"
    label = "triage"
