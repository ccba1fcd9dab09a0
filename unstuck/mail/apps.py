from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "unstuck.mail"
    label = "mail"
