"""Puts the positions the signed-in person holds today into every page (navigation by role)."""

from django.utils.functional import SimpleLazyObject

from .selectors import today


def acting_positions(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def load():
        # Imported here: proposals depends on accounts, not the other way round, except for this page chrome.
        from proposals.selectors import positions_held_with_eligibility

        positions = positions_held_with_eligibility(user=user, on_date=today())
        return {
            "positions": positions,
            "roles": {p.role for p in positions},
            # "Lập đề xuất mới" (navbar, proposal list) only for a position whose Art. 2 category may propose.
            "can_propose": any(p.may_propose for p in positions),
        }

    # Lazy: pages that never show navigation (file downloads, redirects) pay no query.
    return {"acting": SimpleLazyObject(load)}
