"""The provider's endpoints: each from its setting when given, else from the issuer's discovery document."""

import functools

import requests
from django.conf import settings
from mozilla_django_oidc.utils import import_from_settings

# Setting → key of /.well-known/openid-configuration.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


@functools.lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict:
    # Kept per process once it answers; a failure is not kept, the next sign-in asks again.
    response = requests.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def setting(name: str, *default):
    """mozilla-django-oidc's `get_settings`, with the endpoints not set filled in from the issuer's discovery."""
    if name in DISCOVERED and not getattr(settings, name, "") and settings.OIDC_OP_ISSUER:
        return _discovery(settings.OIDC_OP_ISSUER).get(DISCOVERED[name], "")
    return import_from_settings(name, *default)
