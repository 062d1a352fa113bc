"""Single sign-on through OpenID Connect (issue 13 §4), with mozilla-django-oidc: authorisation code with PKCE.

People are matched to existing users by one claim (SSO_MATCH_CLAIM → SSO_MATCH_FIELD) and never created; an SSO
sign-in skips our second factor (the provider's `amr` goes into the audit event) and lasts no longer than the ID
token (or SSO_SESSION_SECONDS), after which the person signs in again: nothing renews it behind their back.
"""

from django.conf import settings

BACKEND = "accounts.sso.backend.SSOBackend"


def enabled() -> bool:
    """SSO is offered once a client is registered with the provider."""
    return bool(settings.OIDC_RP_CLIENT_ID)


def is_sso_user(user) -> bool:
    """Whether `user` was just authenticated by the provider (Django sets `backend` on authenticate/login)."""
    return getattr(user, "backend", None) == BACKEND
