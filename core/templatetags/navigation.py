"""The navigation bar's entries with their count badges (core.stages.NavItem.badge)."""

from django import template

from core.badges import TASKS_LIMIT

register = template.Library()


def nav_count(context, item) -> str:
    """The count named by `item.badge` in the page ("" for none or zero): "99+" beyond TASKS_LIMIT."""
    # int(str(…)): the context processor's count is lazy (SimpleLazyObject proxies str, not int).
    count = int(str(context.get(item.badge) or 0)) if item.badge else 0
    if not count:
        return ""
    return f"{TASKS_LIMIT}+" if count > TASKS_LIMIT else str(count)


@register.simple_tag(takes_context=True)
def nav_entries(context, items) -> tuple:
    """Each entry with its count (`nav_count`): what the bar's entries show besides the page they are on, hashable so
    that `{% kept %}` keys their HTML on it."""
    return tuple((item, nav_count(context, item)) for item in items)
