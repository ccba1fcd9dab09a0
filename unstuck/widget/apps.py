from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "unstuck.widget"
    label = "widget"
