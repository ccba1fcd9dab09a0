"""One service per intent for the conversation's own fields: status, owner, next step, triage fields."""

from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from unstuck.accounts.models import Agent, Role
from unstuck.accounts.permissions import require_role
from unstuck.core.errors import DomainError
from unstuck.triage import services as triage_services

from .. import policy
from ..models import Category, Conversation, Handoff, Level, NextStepBy, Status, Temperature
from .common import lock, require_owner_or_lead, save_with_clocks
from .events import fields_for_event, record_event

NEEDS_OWNER = {Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY, Status.SOLVED}
NEEDS_NEXT_STEP = {Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY}


@transaction.atomic
def change_status(conversation: Conversation, *, status: str, actor: Agent) -> Conversation:
    """Status moves only along allowed paths, and never leaves a working conversation ownerless."""
    if status not in Status.values:
        raise DomainError("invalid_status", f"Unknown status {status!r}.")
    conversation = lock(conversation)
    if status == conversation.status:
        return conversation
    require_owner_or_lead(conversation, actor, "change its status")
    if status not in policy.TRANSITIONS[conversation.status]:
        if conversation.status == Status.CLOSED:
            raise DomainError("closed_is_final", "Closed conversations stay closed; a new message starts a follow-up.")
        raise DomainError(
            "invalid_transition",
            f"A conversation cannot go from {Status(conversation.status).label} to {Status(status).label}.",
        )
    if status in NEEDS_OWNER and conversation.owner_id is None:
        raise DomainError("owner_required", "Assign an owner first: every conversation we work on has one.")
    if status in NEEDS_NEXT_STEP and not conversation.next_step.strip():
        raise DomainError("next_step_required", "Write the next step first: what are we waiting for, from whom?")
    before = conversation.status
    conversation.status = status
    now = timezone.now()
    fields = ["status"]
    if status == Status.SOLVED:
        conversation.solved_at, fields = now, [*fields, "solved_at"]
    if status == Status.CLOSED:
        conversation.closed_at, fields = now, [*fields, "closed_at"]
    if before == Status.SOLVED and status == Status.OPEN:
        conversation.reopen_count += 1
        fields.append("reopen_count")
    save_with_clocks(conversation, *fields)
    record_event(
        kind="status.changed",
        actor=actor,
        conversation=conversation,
        before={"status": before},
        after={"status": status},
    )
    return conversation


@transaction.atomic
def assign_owner(conversation: Conversation, *, to_agent: Agent, actor: Agent, note: str = "") -> Conversation:
    """Give an unowned conversation its owner; changing an existing owner is a handoff."""
    conversation = lock(conversation)
    if conversation.owner_id is not None:
        return hand_off(conversation, to_agent=to_agent, note=note, actor=actor)
    if to_agent != actor:
        require_role(actor, Role.LEAD, "assign conversations to someone else")
    conversation.owner = to_agent
    conversation.save(update_fields=["owner", "updated_at"])
    record_event(kind="owner.assigned", actor=actor, conversation=conversation, after={"owner": to_agent.pk})
    return conversation


@transaction.atomic
def hand_off(conversation: Conversation, *, to_agent: Agent, note: str, actor: Agent) -> Conversation:
    """Ownership changes only on purpose: a note is required and every handoff is counted."""
    from ..tasks import notify_new_owner

    conversation = lock(conversation)
    if to_agent.pk == conversation.owner_id:
        raise DomainError("already_owner", f"{to_agent} already owns this conversation.")
    require_owner_or_lead(conversation, actor, "hand it to someone else")
    if not note.strip():
        raise DomainError("handoff_note_required", "Say why you are handing this over.")
    previous = conversation.owner
    Handoff.objects.create(conversation=conversation, from_agent=previous, to_agent=to_agent, note=note, by=actor)
    conversation.owner = to_agent
    conversation.handoff_count = F("handoff_count") + 1
    conversation.save(update_fields=["owner", "handoff_count", "updated_at"])
    conversation.refresh_from_db()
    record_event(
        kind="owner.handed_off",
        actor=actor,
        conversation=conversation,
        before={"owner": previous.pk if previous else None},
        after={"owner": to_agent.pk, "note": note.strip()},
    )
    if to_agent != actor:
        transaction.on_commit(partial(notify_new_owner.enqueue, conversation_id=conversation.pk))
    return conversation


@transaction.atomic
def set_next_step(conversation: Conversation, *, text: str, actor: Agent, by: str | None = None) -> Conversation:
    """One sentence: what happens next and who does it."""
    text = " ".join((text or "").split())
    if not text:
        raise DomainError("next_step_required", "Write the next step: what happens next, and who does it?")
    if len(text) > 500:
        raise DomainError("next_step_too_long", "Keep the next step to one sentence (500 characters at most).")
    if by is not None and by not in NextStepBy.values:
        raise DomainError("invalid_next_step_by", f"Unknown party {by!r}.")
    conversation = lock(conversation)
    require_owner_or_lead(conversation, actor, "change its next step")
    before = {"next_step": conversation.next_step, "by": conversation.next_step_by}
    conversation.next_step = text
    conversation.next_step_by = by or conversation.next_step_by
    conversation.save(update_fields=["next_step", "next_step_by", "updated_at"])
    record_event(
        kind="next_step.changed",
        actor=actor,
        conversation=conversation,
        before=before,
        after={"next_step": text, "by": conversation.next_step_by},
    )
    return conversation


def _set_field(conversation: Conversation, *, field: str, value: object, actor: Agent, kind: str) -> Conversation:
    conversation = lock(conversation)
    require_owner_or_lead(conversation, actor, f"change its {field.replace('_', ' ')}")
    before = getattr(conversation, field)
    if before == value:
        return conversation
    setattr(conversation, field, value)
    save_with_clocks(conversation, field)
    record_event(
        kind=kind,
        actor=actor,
        conversation=conversation,
        before=fields_for_event({field: before}),
        after=fields_for_event({field: value}),
    )
    triage_services.record_correction(conversation=conversation, field=field, before=before, after=value, actor=actor)
    return conversation


@transaction.atomic
def change_level(conversation: Conversation, *, level: int, actor: Agent) -> Conversation:
    if level not in Level.values:
        raise DomainError("invalid_level", "The level must be 1 (outage) to 5 (feedback).")
    return _set_field(conversation, field="level", value=level, actor=actor, kind="level.changed")


@transaction.atomic
def change_category(conversation: Conversation, *, category: Category | None, actor: Agent) -> Conversation:
    return _set_field(conversation, field="category", value=category, actor=actor, kind="category.changed")


@transaction.atomic
def set_temperature(conversation: Conversation, *, temperature: str, actor: Agent) -> Conversation:
    if temperature not in Temperature.values:
        raise DomainError("invalid_temperature", "The temperature must be calm, warm or hot.")
    return _set_field(conversation, field="temperature", value=temperature, actor=actor, kind="temperature.changed")


@transaction.atomic
def set_perceived_urgency(conversation: Conversation, *, urgency: int, actor: Agent) -> Conversation:
    if urgency not in Level.values:
        raise DomainError("invalid_urgency", "Perceived urgency must be 1 (most urgent) to 5.")
    return _set_field(conversation, field="perceived_urgency", value=urgency, actor=actor, kind="urgency.changed")


@transaction.atomic
def create_category(*, name: str, default_level: int | None, actor: Agent) -> Category:
    require_role(actor, Role.LEAD, "define categories")
    name = name.strip()
    if not name:
        raise DomainError("category_name_required", "Give the category a name.")
    if Category.objects.filter(name__iexact=name).exists():
        raise DomainError("category_exists", f"There is already a category called {name!r}.")
    return Category.objects.create(name=name[:80], default_level=default_level)


@transaction.atomic
def update_conversation(conversation: Conversation, *, changes: dict[str, object], actor: Agent) -> Conversation:
    """Apply several field changes at once (API PATCH), all or nothing, each through its own service.

    Owner and next step go first so that a status needing them can follow in the same request.
    """
    from unstuck.accounts import selectors as account_selectors

    from .. import selectors

    if "owner_id" in changes and changes["owner_id"] is not None:
        to_agent = account_selectors.get_agent(int(changes["owner_id"]))  # type: ignore[call-overload]
        if to_agent.pk != conversation.owner_id:
            note = str(changes.get("handoff_note") or "")
            conversation = assign_owner(conversation, to_agent=to_agent, actor=actor, note=note)
    if changes.get("next_step") is not None or changes.get("next_step_by") is not None:
        text = str(changes.get("next_step") or conversation.next_step)
        conversation = set_next_step(conversation, text=text, actor=actor, by=changes.get("next_step_by"))  # type: ignore[arg-type]
    if changes.get("level") is not None:
        conversation = change_level(conversation, level=int(changes["level"]), actor=actor)  # type: ignore[call-overload]
    if "category" in changes:
        name = changes["category"]
        category = selectors.get_category_by_name(str(name)) if name else None
        conversation = change_category(conversation, category=category, actor=actor)
    if changes.get("temperature") is not None:
        conversation = set_temperature(conversation, temperature=str(changes["temperature"]), actor=actor)
    if changes.get("perceived_urgency") is not None:
        urgency = int(changes["perceived_urgency"])  # type: ignore[call-overload]
        conversation = set_perceived_urgency(conversation, urgency=urgency, actor=actor)
    if changes.get("status") is not None:
        conversation = change_status(conversation, status=str(changes["status"]), actor=actor)
    return conversation
