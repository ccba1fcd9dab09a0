from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "unstuck.accounts"
    label = "accounts"
