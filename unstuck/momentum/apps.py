from django.apps import AppConfig


class MomentumConfig(AppConfig):
    name = "unstuck.momentum"
    label = "momentum"
