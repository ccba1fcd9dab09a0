"""Background work for conversations: deliver replies, tell new owners, tidy presence."""

import logging
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from unstuck.customers.selectors import primary_email

from . import selectors, services
from .models import Channel, DeliveryStatus

logger = logging.getLogger(__name__)


@task()
def deliver_reply(message_id: int) -> None:
    """Send a reply through its channel; email goes out over SMTP, threaded on the customer's last message."""
    message = selectors.find_message(message_id)
    if message is None or message.delivery_status == DeliveryStatus.SENT:
        logger.info("conversations.delivery_skipped", extra={"message_id": message_id})
        return
    conversation = message.conversation
    if message.channel != Channel.EMAIL:
        # Chat, web and API customers read replies in the widget or through the API.
        services.mark_delivery(message, status=DeliveryStatus.SENT)
        return
    address = primary_email(conversation.customer)
    if address is None:
        services.mark_delivery(message, status=DeliveryStatus.FAILED, error="The customer has no email address.")
        return
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">")
    message_id_header = message.external_id or make_msgid(domain=domain)
    headers = {"Message-ID": message_id_header}
    thread = selectors.email_thread_ids(conversation)
    if thread:
        headers["In-Reply-To"] = thread[-1]
        headers["References"] = " ".join(thread[-10:])
    email = EmailMessage(
        subject=f"Re: {conversation.subject} [#{conversation.pk}]",
        body=message.text,
        to=[address],
        headers=headers,
    )
    try:
        email.send()
    except Exception as error:  # SMTP failures of any kind are shown on the message and can be retried
        logger.warning("conversations.delivery_failed", extra={"message_id": message_id, "error": str(error)})
        services.mark_delivery(message, status=DeliveryStatus.FAILED, error=str(error))
        return
    message.external_id = message_id_header
    message.save(update_fields=["external_id"])
    services.mark_delivery(message, status=DeliveryStatus.SENT)


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
