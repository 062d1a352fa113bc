"""The due date's badge (`{% due_badge state %}`): one place for its markup, drawn without a template (issue 10: an
include per row of the list, the inbox and the home page's task box)."""

from django import template
from django.utils.html import format_html

from proposals.selectors import DUE_BADGES

register = template.Library()


@register.simple_tag
def due_badge(state) -> str:
    """The badge of `state` (proposals.selectors.DueState), or nothing for none."""
    badge = DUE_BADGES.get(state)
    return format_html('<span class="badge {}">{}</span>', *badge) if badge else ""
