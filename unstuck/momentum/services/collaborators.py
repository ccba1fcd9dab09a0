"""Collaborators: other agents, teams or outside vendors help in an internal side thread; the owner stays."""

from __future__ import annotations

import re
from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from unstuck.accounts.models import Agent, Team
from unstuck.conversations.models import Conversation
from unstuck.conversations.services.common import lock, require_owner_or_lead
from unstuck.conversations.services.events import record_event
from unstuck.core.errors import DomainError

from ..models import Collaborator, CollaboratorKind, SideMessage

SIDE_TOKEN = re.compile(r"\[#(\d+)-v(\d+)\]")


@transaction.atomic
def add_collaborator(
    conversation: Conversation,
    *,
    actor: Agent,
    agent: Agent | None = None,
    team: Team | None = None,
    vendor_name: str = "",
    vendor_email: str = "",
) -> Collaborator:
    conversation = lock(conversation)
    require_owner_or_lead(conversation, actor, "bring in collaborators")
    chosen = [x for x in (agent, team, vendor_email.strip() or None) if x]
    if len(chosen) != 1:
        raise DomainError("one_collaborator", "Bring in one agent, one team or one vendor contact at a time.")
    active = conversation.collaborators.filter(active=True)
    if agent is not None:
        if agent.pk == conversation.owner_id:
            raise DomainError("owner_is_not_collaborator", f"{agent} already owns this conversation.")
        if active.filter(agent=agent).exists():
            raise DomainError("already_collaborating", f"{agent} is already helping here.")
        collaborator = Collaborator(kind=CollaboratorKind.AGENT, agent=agent)
    elif team is not None:
        if active.filter(team=team).exists():
            raise DomainError("already_collaborating", f"The {team.name} team is already helping here.")
        collaborator = Collaborator(kind=CollaboratorKind.TEAM, team=team)
    else:
        email = vendor_email.strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError("invalid_email", f"{vendor_email!r} is not an email address.") from exc
        if active.filter(vendor_email=email).exists():
            raise DomainError("already_collaborating", f"{email} is already helping here.")
        collaborator = Collaborator(
            kind=CollaboratorKind.VENDOR, vendor_email=email, vendor_name=" ".join(vendor_name.split())[:120]
        )
    collaborator.conversation, collaborator.added_by = conversation, actor
    collaborator.save()
    record_event(
        kind="collaborator.added",
        actor=actor,
        conversation=conversation,
        after={"collaborator": str(collaborator), "kind": collaborator.kind},
    )
    return collaborator


@transaction.atomic
def remove_collaborator(collaborator: Collaborator, *, actor: Agent) -> Collaborator:
    require_owner_or_lead(lock(collaborator.conversation), actor, "change its collaborators")
    collaborator.active = False
    collaborator.save(update_fields=["active", "updated_at"])
    record_event(
        kind="collaborator.removed",
        actor=actor,
        conversation=collaborator.conversation,
        after={"collaborator": str(collaborator)},
    )
    return collaborator


@transaction.atomic
def post_side_message(
    conversation: Conversation, *, text: str, actor: Agent, to: Collaborator | None = None
) -> SideMessage:
    """Write in the side thread; addressed to a vendor, it is emailed to them and their reply comes back here."""
    text = text.strip()
    if not text:
        raise DomainError("empty_message", "Write something before sending.")
    if to is not None and (to.conversation_id != conversation.pk or not to.active):
        raise DomainError("not_a_collaborator", "That person is not helping on this conversation.")
    is_owner_or_lead = conversation.owner_id in (None, actor.pk) or actor.has_role("lead")
    helping = conversation.collaborators.filter(active=True, agent=actor).exists() or (
        conversation.collaborators.filter(active=True, team__in=actor.teams.all()).exists()
    )
    if not (is_owner_or_lead or helping):
        raise DomainError("not_a_collaborator", "Only the owner, a lead or a collaborator writes in the side thread.")
    by_email = to is not None and to.kind == CollaboratorKind.VENDOR
    message = SideMessage.objects.create(
        conversation=conversation,
        collaborator=to,
        author_agent=actor,
        text=text,
        delivery_status="pending" if by_email else "",
    )
    if by_email:
        from ..tasks import email_vendor

        transaction.on_commit(partial(email_vendor.enqueue, side_message_id=message.pk))
    return message


def side_token(message: SideMessage) -> str:
    return f"[#{message.conversation_id}-v{message.collaborator_id}]"


def receive_vendor_reply(
    *, subject: str, references: list[str], from_email: str, text: str, message_id: str = ""
) -> SideMessage | None:
    """File a vendor's emailed answer into the side thread it belongs to; None when it is not a vendor reply.

    Matched by the Message-ID of our mail to them, or by the side-thread token in the subject.
    """
    references = [r for r in references if r]
    match = SIDE_TOKEN.search(subject or "")
    if not references and match is None:  # answers nothing we sent: most mail, and no query needed
        return None
    with transaction.atomic():
        return _file_vendor_reply(references, match, from_email=from_email, text=text, message_id=message_id)


def _file_vendor_reply(
    references: list[str], match: re.Match[str] | None, *, from_email: str, text: str, message_id: str
) -> SideMessage | None:
    # One query answers both: was this reply filed already, and which of our mails does it answer?
    ids = [message_id, *references] if message_id else references
    rows = SideMessage.objects.filter(external_id__in=ids).order_by("id")
    sent_id = None
    for pk, external_id, from_vendor in rows.values_list("pk", "external_id", "from_vendor"):
        if message_id and external_id == message_id:
            return SideMessage.objects.get(pk=pk)
        if not from_vendor and sent_id is None:
            sent_id = pk
    collaborator = SideMessage.objects.get(pk=sent_id).collaborator if sent_id else None
    if collaborator is None and match:
        collaborator = Collaborator.objects.filter(
            conversation_id=int(match.group(1)), pk=int(match.group(2)), kind=CollaboratorKind.VENDOR
        ).first()
    if collaborator is None:
        return None
    reply = SideMessage.objects.create(
        conversation=collaborator.conversation,
        collaborator=collaborator,
        from_vendor=True,
        text=text.strip() or "(empty reply)",
        external_id=message_id[:255],
    )
    record_event(
        kind="collaborator.replied",
        actor=None,
        conversation=collaborator.conversation,
        after={"collaborator": str(collaborator), "from": from_email},
    )
    return reply
