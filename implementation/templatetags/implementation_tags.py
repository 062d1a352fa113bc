"""Template filters of the implementation pages and documents."""

from django import template

register = template.Library()


def vnd_text(amount) -> str:
    """1500000 → "1.500.000 đ": Vietnamese grouping, whatever the interface language (an amount in đồng)."""
    if amount is None or amount == "":
        return ""
    return f"{int(amount):,}".replace(",", ".") + " đ"


@register.filter
def vnd(amount) -> str:
    return vnd_text(amount)
