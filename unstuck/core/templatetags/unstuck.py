"""Template helpers for the workspace: human times, level chips, avatars, channel icons."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

LEVEL_NAMES = {1: "Outage", 2: "Money", 3: "Defect", 4: "Guidance", 5: "Feedback"}
CHANNEL_ICONS = {"email": "mail", "chat": "chat", "web": "form", "api": "api", "phone": "user"}


def humanize_delta(moment: datetime, now: datetime | None = None) -> str:
    """ "4 h ago", "in 25 min", "just now": how people say time."""
    now = now or timezone.now()
    seconds = (moment - now).total_seconds()
    future, seconds = seconds > 0, abs(seconds)
    if seconds < 45:
        return "just now"
    minutes = round(seconds / 60)
    if minutes < 60:
        text = f"{minutes} min"
    elif minutes < 60 * 24:
        text = f"{round(minutes / 60)} h"
    elif minutes < 60 * 24 * 45:
        text = f"{round(minutes / 1440)} d"
    else:
        text = f"{round(minutes / 43200)} mo"
    return f"in {text}" if future else f"{text} ago"


@register.filter
def humantime(moment: datetime | None) -> str:
    return humanize_delta(moment) if moment else "—"


@register.filter
def get_item(mapping: dict | None, key: object) -> object:
    """Look up a dict entry by a variable key: {{ decisions|get_item:c.pk }}."""
    return (mapping or {}).get(key)


@register.filter
def isotime(value: str | None) -> str:
    """An ISO timestamp kept in an event, as local time a person reads: 'Wed 25 Mar, 12:00'."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return timezone.localtime(moment).strftime("%a %d %b, %H:%M")


@register.simple_tag
def reltime(moment: datetime | None, css_class: str = "") -> str:
    """A <time> element with human text, the full timestamp on hover, refreshed by app.js."""
    if not moment:
        return mark_safe('<span class="muted">—</span>')
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}" data-relative class="{}">{}</time>',
        moment.isoformat(),
        local.strftime("%a %d %b %Y, %H:%M %Z"),
        css_class,
        humanize_delta(moment),
    )


@register.simple_tag
def level_chip(level: int | None) -> str:
    if not level:
        return mark_safe('<span class="chip level-none">Untriaged</span>')
    return format_html('<span class="chip level-{}">{} · {}</span>', level, level, LEVEL_NAMES.get(level, "?"))


@register.simple_tag
def avatar(person: object, size: str = "") -> str:
    if person is None:
        return format_html('<span class="avatar avatar-empty {}" title="Unassigned">?</span>', size)
    return format_html(
        '<span class="avatar {}" style="--avatar-hue: {}" title="{}" aria-hidden="true">{}</span>',
        size,
        getattr(person, "avatar_hue", 210),
        str(person),
        getattr(person, "initials", "?"),
    )


@register.simple_tag
def icon(name: str, css_class: str = "icon") -> str:
    return format_html('<svg class="{}" aria-hidden="true"><use href="#i-{}"></use></svg>', css_class, name)


@register.simple_tag
def channel_icon(channel: str) -> str:
    return format_html(
        '<span class="channel-icon" title="{}"><svg class="icon" aria-hidden="true"><use href="#i-{}"></use></svg>'
        '<span class="sr-only">{}</span></span>',
        channel,
        CHANNEL_ICONS.get(channel, "mail"),
        channel,
    )


@register.filter
def temp_label(temperature: str) -> str:
    return {"calm": "Calm", "warm": "Warm", "hot": "Hot"}.get(temperature, temperature)


@register.filter
def status_label(status: str) -> str:
    from unstuck.conversations.models import Status

    try:
        return str(Status(status).label)
    except ValueError:
        return status
