from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "unstuck.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import db

        connection_created.connect(db.tune_sqlite)
