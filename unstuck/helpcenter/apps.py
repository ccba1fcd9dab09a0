from django.apps import AppConfig


class HelpcenterConfig(AppConfig):
    name = "unstuck.helpcenter"
    label = "helpcenter"
