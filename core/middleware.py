"""Middleware of the app's own.

VietnameseFirstLocaleMiddleware: Vietnamese unless the user chose otherwise (spec README; DEVELOPERS.md
"Vietnamese first"). Django's LocaleMiddleware would follow the browser's Accept-Language, so an English browser
would see English. Here only the language cookie set by the language switcher counts.

PermissionsPolicyMiddleware: the Permissions-Policy header (issue 11 §3), which neither Django nor django-csp sends.

ServedByMiddleware: which web node answered (issue 14 §1).
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class VietnameseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # The language comes from a cookie: a cache must not give a Vietnamese page to an English reader.
        patch_vary_headers(response, ("Cookie",))
        translation.deactivate()
        return response


class PermissionsPolicyMiddleware:
    """Refuses the browser features in PERMISSIONS_POLICY_DENIED (camera, microphone, ...) to every page and frame:
    a script injected despite the CSP still cannot ask for them (issue 11 §3)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class ServedByMiddleware:
    """`X-Served-By: <NODE_NAME>` on every response (issue 14 §1): behind a load balancer, operators and the cluster
    test (tests/cluster/) see which web node answered. An empty NODE_NAME sends nothing, for a deployment that would
    rather not show its host names."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.node = settings.NODE_NAME

    def __call__(self, request):
        response = self.get_response(request)
        if self.node:
            response.headers["X-Served-By"] = self.node
        return response
