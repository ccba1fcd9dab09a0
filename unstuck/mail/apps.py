"""Email channel: IMAP polling, inbound SMTP, parsing, threading and outbound delivery."""

from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "unstuck.mail"
    label = "mail"

    def ready(self) -> None:
        from unstuck.core.periodic import register

        from . import conf

        register(conf.DEFAULT_POLL_SECONDS, "unstuck.mail.tasks.poll_mailboxes")
        register(30, "unstuck.mail.tasks.retry_deliveries")
