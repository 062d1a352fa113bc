"""Puts the positions the signed-in person holds today into every page (navigation by role), with the unread count."""

from django.utils.functional import SimpleLazyObject

from accounts.selectors import today
from core.notifications import unread_count_subquery

from .selectors import positions_held_with_eligibility


def acting_for(request) -> dict:
    """The person's positions today and whether one of them may propose: one query, once per request, which reads
    the navigation bar's unread count along (core.notifications.unread_badge) when the person holds a position."""
    if not hasattr(request, "_acting"):
        unread = {"notifications_unread": unread_count_subquery(request.user)}
        positions = positions_held_with_eligibility(user=request.user, on_date=today(), annotations=unread)
        if positions:
            request.notifications_unread = positions[0].notifications_unread
        request._acting = {
            "positions": positions,
            "roles": {p.role for p in positions},
            # "Lập đề xuất mới" (navbar, proposal list) only for a position whose Art. 2 category may propose.
            "can_propose": any(p.may_propose for p in positions),
        }
    return request._acting


def acting_positions(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that never show navigation (file downloads, redirects) pay no query.
    return {"acting": SimpleLazyObject(lambda: acting_for(request))}
