from django.apps import AppConfig


class MomentumConfig(AppConfig):
    name = "unstuck.momentum"
    label = "momentum"

    def ready(self) -> None:
        from unstuck.core.periodic import register

        register(60, "unstuck.momentum.tasks.sweep")
