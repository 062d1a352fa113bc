"""What a session signed in by the provider keeps: when it ends, and the ID token for the provider's sign-out."""

import time
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.shortcuts import resolve_url

from . import provider

EXPIRES_KEY = "sso_expires_at"
ID_TOKEN_KEY = "sso_id_token"  # noqa: S105 (a session key's name, not a secret)


def start(request, outcome) -> None:
    """After `login` (which may have flushed the session): the session ends with the ID token, or after
    SSO_SESSION_SECONDS."""
    request.session[EXPIRES_KEY] = outcome.expires_at
    request.session[ID_TOKEN_KEY] = outcome.id_token


def expired(request) -> bool:
    expires_at = request.session.get(EXPIRES_KEY)
    return expires_at is not None and time.time() >= expires_at


def provider_logout_url(request) -> str:
    """The provider's sign-out for this session, or "" (not signed in by the provider, or it has no
    end_session_endpoint, or it cannot be reached: the local session ends all the same)."""
    id_token = request.session.get(ID_TOKEN_KEY)
    if not id_token:
        return ""
    try:
        endpoint = provider.setting("OIDC_OP_LOGOUT_ENDPOINT", "")
    except requests.RequestException:
        return ""
    if not endpoint:
        return ""
    query = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{endpoint}?{urlencode(query)}"
