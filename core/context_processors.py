"""What every page's navigation bar shows: the entries the apps added and the unread notifications badge."""

from django.utils.functional import SimpleLazyObject

from .notifications import unread_badge
from .stages import stages


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: only on pages that show the badge (not on downloads or redirects), and no query of its own when the
    # navigation bar's positions read it along (`unread_badge`).
    return {"notifications_unread": SimpleLazyObject(lambda: unread_badge(request))}


def navigation(request):
    """The navigation bar's entries that the apps added (core.stages) and that this person may use."""
    user = getattr(request, "user", None)
    footer = {"footer_items": SimpleLazyObject(lambda: stages.nav(request, place="footer"))}
    if user is None or not user.is_authenticated:
        return footer
    return {"nav_items": SimpleLazyObject(lambda: stages.nav(request)), **footer}
