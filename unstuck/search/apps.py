from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "unstuck.search"
    label = "search"
