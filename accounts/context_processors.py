"""Puts the positions the signed-in person holds today into every page (navigation by role)."""

from django.utils.functional import SimpleLazyObject

from .selectors import positions_of, today


def acting_positions(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def load():
        positions = list(positions_of(person=user, on_date=today()))
        return {"positions": positions, "roles": {p.role for p in positions}}

    # Lazy: pages that never show navigation (file downloads, redirects) pay no query.
    return {"acting": SimpleLazyObject(load)}
