"""An SSO session past its end is closed, not renewed: the person signs in again, knowingly."""

from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from . import sessions


class SSOSessionExpiryMiddleware:
    """Ends the local session once the provider's ID token (or SSO_SESSION_SECONDS) has run out, and sends the
    person to the sign-in page with the address they asked for. No silent `prompt=none` round trip: the provider
    may still hold a session, but a new sign-in here is the person's own act. Must follow MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if sessions.expired(request):
            auth.logout(request)
            messages.info(request, _("Phiên đăng nhập một lần đã hết hạn. Hãy đăng nhập lại."))
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
