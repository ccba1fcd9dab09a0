"""Background work for conversations: deliver replies, tell new owners, tidy presence."""

import logging

from django.core.mail import EmailMessage
from django_tasks import task

from . import selectors, services
from .models import Channel, DeliveryStatus

logger = logging.getLogger(__name__)


@task()
def deliver_reply(message_id: int) -> None:
    """Send a reply through its channel; email goes out over SMTP from the mail app, with retries."""
    message = selectors.find_message(message_id)
    if message is None or message.delivery_status == DeliveryStatus.SENT:
        logger.info("conversations.delivery_skipped", extra={"message_id": message_id})
        return
    if message.channel not in (Channel.EMAIL, Channel.WEB):
        # Chat and API customers read replies in the widget or through the API; web-form customers get mail.
        services.mark_delivery(message, status=DeliveryStatus.SENT)
        return
    from unstuck.mail.outbound import deliver_email_reply

    deliver_email_reply(message)


@task()
def notify_new_owner(conversation_id: int) -> None:
    conversation = selectors.find_conversation(conversation_id)
    if conversation is None or conversation.owner is None or not conversation.owner.email:
        return
    EmailMessage(
        subject=f"You now own #{conversation.pk}: {conversation.subject}",
        body=(
            f"{conversation.subject}\nCustomer: {conversation.customer}\n"
            f"Next step: {conversation.next_step or '(none yet: please write one)'}\n"
        ),
        to=[conversation.owner.email],
    ).send()


@task()
def prune_presence() -> None:
    services.prune_presence()
