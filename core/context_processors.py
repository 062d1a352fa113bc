"""What every page's navigation bar shows: the entries the apps added and the unread notifications badge."""

from django.utils.functional import SimpleLazyObject

from .models import Notification
from .stages import stages


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: one COUNT query, and only on pages that show the badge (not on downloads or redirects).
    return {
        "notifications_unread": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        )
    }


def navigation(request):
    """The navigation bar's entries that the apps added (core.stages) and that this person may use."""
    user = getattr(request, "user", None)
    footer = {"footer_items": SimpleLazyObject(lambda: stages.nav(request, place="footer"))}
    if user is None or not user.is_authenticated:
        return footer
    return {"nav_items": SimpleLazyObject(lambda: stages.nav(request)), **footer}
