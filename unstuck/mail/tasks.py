"""Background work for the email channel: poll mailboxes, retry replies whose delivery failed."""

import logging

from django.utils import timezone
from django_tasks import task

from . import selectors, services

logger = logging.getLogger(__name__)


@task()
def poll_mailboxes() -> None:
    """The 60-second sweep: one task per mailbox, so one broken server does not hold up the others."""
    for mailbox_id in selectors.list_polled_mailbox_ids():
        poll_mailbox.enqueue(mailbox_id=mailbox_id)


@task()
def poll_mailbox(mailbox_id: int) -> None:
    from . import imap

    mailbox = selectors.list_mailboxes().filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None or not mailbox.polls_imap:
        return
    try:
        result = imap.poll(mailbox)
    except Exception as error:  # shown on the mailbox settings page; the next sweep tries again
        logger.warning("mail.poll_failed", extra={"mailbox": mailbox_id, "error": str(error)})
        services.record_poll(mailbox, error=f"{type(error).__name__}: {error}")
        return
    services.record_poll(mailbox)
    if result.fetched:
        logger.info("mail.polled", extra={"mailbox": mailbox_id, "fetched": result.fetched, "filed": result.filed})


@task()
def retry_deliveries() -> None:
    """Enqueue replies whose next delivery attempt is due."""
    from unstuck.conversations.tasks import deliver_reply

    for message_id in selectors.list_due_delivery_ids(now=timezone.now()):
        deliver_reply.enqueue(message_id=message_id)
