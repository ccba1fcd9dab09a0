"""Background work of the momentum engine, run by `unstuck worker`."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .models import Nudge

logger = logging.getLogger(__name__)
EMAIL_LIST_LIMIT = 50


@task()
def sweep() -> dict[str, int]:
    """Every minute: felt-stuck flags, nudges, broken promises, waiting assignments."""
    from .services.sweep import sweep as run_sweep

    report = run_sweep()
    logger.info("momentum.sweep", extra={"nudges": report.nudges, "felt_stuck": report.felt_stuck})
    return {"nudges": report.nudges, "felt_stuck": report.felt_stuck, "assigned": report.assigned}


@task()
def email_nudges(created_at: str) -> int:
    """One email per agent listing the nudges a sweep created; each nudge is emailed at most once.

    Each agent's batch is claimed with one UPDATE stamping a unique time, so two workers never both send it.
    """
    when = datetime.fromisoformat(created_at)
    agent_ids = (
        Nudge.objects.filter(created_at=when, emailed_at__isnull=True).values_list("agent_id", flat=True).distinct()
    )
    sent = 0
    for agent_id in list(agent_ids):
        with transaction.atomic():
            stamp = timezone.now()
            claimed = Nudge.objects.filter(agent_id=agent_id, created_at=when, emailed_at__isnull=True).update(
                emailed_at=stamp
            )
            if not claimed:
                continue
            nudges = list(
                Nudge.objects.filter(agent_id=agent_id, emailed_at=stamp)
                .select_related("agent__user", "conversation__owner__user")
                .order_by("due_at")[:EMAIL_LIST_LIMIT]
            )
        agent = nudges[0].agent
        if not agent.email:
            continue
        context = {"agent": agent, "nudges": nudges, "more": claimed - len(nudges), "site": settings.SITE_URL}
        body = render_to_string("momentum/nudge_email.txt", context)
        subject = "A customer is waiting for an update" if claimed == 1 else f"{claimed} customers need an update"
        send_mail(subject, body, None, [agent.email])
        sent += 1
    return sent


@task()
def recompute_clocks() -> int:
    """After a lead changes targets or the calendar, every open conversation's deadlines follow."""
    from .services.policies import recompute_open_clocks

    return recompute_open_clocks()


@task()
def email_vendor(side_message_id: int) -> str:
    """Send a side-thread message to a vendor; their answer threads back by Message-ID or subject token."""
    from django.core.mail import EmailMessage
    from django.core.mail.message import make_msgid

    from .models import SideMessage
    from .services.collaborators import side_token

    message = SideMessage.objects.select_related("collaborator", "conversation", "author_agent__user").get(
        pk=side_message_id
    )
    collaborator = message.collaborator
    if collaborator is None or not collaborator.vendor_email:
        return "skipped"
    message_id = message.external_id or make_msgid(domain=settings.DEFAULT_FROM_EMAIL.split("@")[-1].strip(">"))
    earlier = list(
        SideMessage.objects.filter(collaborator=collaborator)
        .exclude(pk=message.pk)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    headers = {"Message-ID": message_id, "X-Unstuck-Loop": "side-thread"}
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier[-10:])
    email = EmailMessage(
        subject=f"{side_token(message)} {message.conversation.subject}",
        body=message.text + f"\n\n— {message.author_name}",
        to=[collaborator.vendor_email],
        reply_to=[settings.DEFAULT_FROM_EMAIL],
        headers=headers,
    )
    try:
        email.send()
    except Exception as exc:  # shown on the side message; the owner can resend
        SideMessage.objects.filter(pk=message.pk).update(delivery_status="failed", delivery_error=str(exc)[:500])
        raise
    SideMessage.objects.filter(pk=message.pk).update(delivery_status="sent", external_id=message_id)
    return "sent"
