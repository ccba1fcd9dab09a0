"""Thread display of email: the new part first, quoted history and signature folded behind a toggle."""

from django import template

from unstuck.conversations.models import Message, MessageKind

from ..quotes import Folded, fold

register = template.Library()


@register.simple_tag
def fold_message(item: Message) -> Folded | None:
    """The folded view of a customer email, or None when there is nothing to fold (show it as it is)."""
    if item.kind != MessageKind.INBOUND or item.channel != "email":
        return None
    folded = fold(item.text)
    return folded if folded.folds else None
