from django.apps import AppConfig

NIGHTLY = 24 * 60 * 60


class TriageConfig(AppConfig):
    name = "unstuck.triage"
    label = "triage"

    def ready(self) -> None:
        from unstuck.core.periodic import register

        register(NIGHTLY, "unstuck.triage.tasks.retrain_nightly")
