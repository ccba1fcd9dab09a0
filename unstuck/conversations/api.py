from django.conf import settings
from ninja import Query, Router, Status

from unstuck.core.auth import AuthedRequest

from . import selectors, services
from .models import Conversation, Message
from .schemas import (
    ConversationCreateIn,
    ConversationOut,
    ConversationPage,
    ConversationPatchIn,
    ListFilters,
    MergeIn,
    MessageIn,
    MessageOut,
)

router = Router(tags=["conversations"])


@router.post("", response={201: ConversationOut})
def create_conversation(request: AuthedRequest, payload: ConversationCreateIn) -> Status:
    """Start a conversation with the customer's first message and identity."""
    category = selectors.get_category_by_name(payload.category) if payload.category else None
    conversation = services.open_conversation(
        channel=payload.channel,
        text=payload.text,
        html=payload.html,
        subject=payload.subject,
        identities=payload.customer.identities(),
        name=payload.customer.name,
        external_id=payload.external_id,
        level=payload.level,
        perceived_urgency=payload.perceived_urgency,
        category=category,
        actor=request.agent,
    )
    return Status(201, selectors.get_conversation(conversation.pk))


@router.get("", response=ConversationPage)
def list_conversations(request: AuthedRequest, filters: Query[ListFilters]) -> dict:
    """Conversations in attention order (earliest due first), paged with `next_cursor`."""
    inbox = selectors.InboxFilters(**filters.dict(exclude={"cursor", "limit"}))
    page = selectors.paginate_by_attention(
        selectors.list_conversations(request.agent, inbox), cursor=filters.cursor, size=filters.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get("/{conversation_id}", response=ConversationOut)
def get_conversation(request: AuthedRequest, conversation_id: int) -> Conversation:
    return selectors.access_conversation(request.agent, conversation_id)


@router.patch("/{conversation_id}", response=ConversationOut)
def update_conversation(request: AuthedRequest, conversation_id: int, payload: ConversationPatchIn) -> Conversation:
    conversation = selectors.access_conversation(request.agent, conversation_id)
    changes = payload.dict(exclude_unset=True)
    services.update_conversation(conversation, changes=changes, actor=request.agent)
    return selectors.get_conversation(conversation_id)


@router.get("/{conversation_id}/messages", response=list[MessageOut])
def list_messages(request: AuthedRequest, conversation_id: int) -> list[Message]:
    conversation = selectors.access_conversation(request.agent, conversation_id)
    return list(selectors.list_thread(conversation)[: settings.INBOX_PAGE_SIZE * 20])


@router.post("/{conversation_id}/messages", response={201: MessageOut})
def add_message(request: AuthedRequest, conversation_id: int, payload: MessageIn) -> Status:
    """A reply to the customer, an internal note, or (for integrations) the customer's own message."""
    conversation = selectors.access_conversation(request.agent, conversation_id)
    if payload.kind == "note":
        message = services.add_note(conversation, text=payload.text, actor=request.agent)
    elif payload.kind == "customer":
        message = services.receive_message(
            channel=conversation.channel,
            text=payload.text,
            customer=conversation.customer,
            conversation=conversation,
        )
    else:
        message = services.reply(
            conversation,
            text=payload.text,
            actor=request.agent,
            seen_message_id=payload.seen_message_id,
            force=payload.force,
            next_step=payload.next_step,
            promise_due=payload.promise_due,
        )
    return Status(201, selectors.get_message(message.pk))


@router.post("/{conversation_id}/merge", response=ConversationOut)
def merge_conversation(request: AuthedRequest, conversation_id: int, payload: MergeIn) -> Conversation:
    """Merge this conversation into another of the same customer."""
    source = selectors.access_conversation(request.agent, conversation_id)
    into = selectors.access_conversation(request.agent, payload.into_id)
    services.merge_conversations(source, into=into, actor=request.agent)
    return selectors.get_conversation(into.pk)
