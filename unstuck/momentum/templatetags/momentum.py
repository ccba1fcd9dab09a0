from django import template

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    """'2 h 10 min', '3 days 4 h': stuck time at a glance."""
    minutes = int(seconds or 0) // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days > 1 else ''} {hours} h" if hours else f"{days} day{'s' if days > 1 else ''}"
