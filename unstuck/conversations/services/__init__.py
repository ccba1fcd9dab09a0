"""Every state change of a conversation goes through one of these functions."""

from .events import record_event
from .fields import (
    assign_owner,
    change_category,
    change_level,
    change_status,
    create_category,
    hand_off,
    set_next_step,
    set_perceived_urgency,
    set_temperature,
    update_conversation,
)
from .merging import merge_conversations, move_conversations_to_customer, split_message
from .presence import leave, prune_presence, touch_presence
from .receiving import add_attachment, change_channel, open_conversation, receive_message, sanitize_html
from .replying import ReplyHeld, add_note, mark_delivery, reply

__all__ = [
    "ReplyHeld",
    "add_attachment",
    "add_note",
    "assign_owner",
    "change_category",
    "change_channel",
    "change_level",
    "change_status",
    "create_category",
    "hand_off",
    "leave",
    "mark_delivery",
    "merge_conversations",
    "move_conversations_to_customer",
    "open_conversation",
    "prune_presence",
    "receive_message",
    "record_event",
    "reply",
    "sanitize_html",
    "set_next_step",
    "set_perceived_urgency",
    "set_temperature",
    "split_message",
    "touch_presence",
    "update_conversation",
]
