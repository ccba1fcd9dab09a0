from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "unstuck.demo"
    label = "demo"
