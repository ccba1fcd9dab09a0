"""Background work of the momentum engine, run by `unstuck worker`."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from .models import Nudge

logger = logging.getLogger(__name__)


@task()
def sweep() -> dict[str, int]:
    """Every minute: felt-stuck flags, nudges, broken promises, waiting assignments."""
    from .services.sweep import sweep as run_sweep

    report = run_sweep()
    logger.info("momentum.sweep", extra={"nudges": report.nudges, "felt_stuck": report.felt_stuck})
    return {"nudges": report.nudges, "felt_stuck": report.felt_stuck, "assigned": report.assigned}


@task()
def email_nudges(created_at: str) -> int:
    """One email per agent listing the nudges a sweep created; each nudge is emailed at most once."""
    when = datetime.fromisoformat(created_at)
    pending = Nudge.objects.filter(created_at=when, emailed_at__isnull=True).select_related(
        "agent__user", "conversation"
    )
    by_agent: dict[int, list[Nudge]] = defaultdict(list)
    for nudge in pending:
        by_agent[nudge.agent_id].append(nudge)
    sent = 0
    for nudges in by_agent.values():
        now = timezone.now()
        claimed = [n for n in nudges if Nudge.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=now)]
        agent = nudges[0].agent
        if not claimed or not agent.email:
            continue
        context = {"agent": agent, "nudges": claimed, "site": settings.SITE_URL}
        body = render_to_string("momentum/nudge_email.txt", context)
        subject = (
            "A customer is waiting for an update" if len(claimed) == 1 else f"{len(claimed)} customers need an update"
        )
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
