"""The fence around a session signed in by password whose second factor is still missing (issue 11 §2)."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .services import Stage
from .sessions import pending_stage

STAGE_PAGES = {Stage.VERIFY: "accounts:two_factor_verify", Stage.ENROL: "accounts:two_factor_setup"}
# Besides its own page, a pending session may sign out and change the language; static files are served
# before any view (WhiteNoise).
ALWAYS_OPEN = {"accounts:logout", "set_language"}


class TwoFactorFenceMiddleware:
    """A pending session reaches only the code page (it has a device) or the enrolment pages (its role requires a
    second factor and it has none); any other page redirects there, keeping the address as `next`. The admin is
    fenced like every other page. Must follow django_otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read by the navigation bar, which a pending session does not get.
        request.two_factor_pending = pending_stage(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        stage = request.two_factor_pending
        if stage is None:
            return None
        page = STAGE_PAGES[stage]
        if request.resolver_match.view_name in ALWAYS_OPEN | {page}:
            return None
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
