"""What every page's navigation bar shows: the entries the apps added and the badges (unread notifications, tasks
pending)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .badges import badge_counts
from .stages import stages


def badges(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: one query for both, and only on pages that show them (not on downloads or redirects); a page that
    # read the counts with its own query puts them in its context under the same names, which win.
    counts = SimpleLazyObject(lambda: badge_counts(request))
    return {name: SimpleLazyObject(lambda name=name: counts[name]) for name in ("notifications_unread", "tasks_pending")}


def navigation(request):
    """The navigation bar's entries that the apps added (core.stages) and that this person may use."""
    user = getattr(request, "user", None)
    footer = {"footer_items": SimpleLazyObject(lambda: stages.nav(request, place="footer"))}
    if user is None or not user.is_authenticated:
        return footer
    # Off with LOCAL_PASSWORD_LOGIN=False: there is no password to change (accounts.sso.views.PasswordChangeView).
    password_login = settings.LOCAL_PASSWORD_LOGIN
    return {"nav_items": SimpleLazyObject(lambda: stages.nav(request)), "password_login": password_login, **footer}
