"""Puts the number of unread notifications into every page, for the badge in the navigation bar."""

from django.utils.functional import SimpleLazyObject

from .models import Notification


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
