"""The authentication backend: the provider's answer, checked, matched to one existing person, never a new one."""

import dataclasses
import enum
import time

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import provider


class Refusal(enum.Enum):
    UNKNOWN = "unknown"  # no person here has the claim's value
    AMBIGUOUS = "ambiguous"  # several have it: choosing one would be a guess
    INACTIVE = "inactive"
    NO_CLAIM = "no_claim"  # the provider did not send the matching claim
    PROVIDER = "provider"  # the provider could not be reached or refused the code


@dataclasses.dataclass
class Outcome:
    """What the callback learnt from the provider, for its page and the audit event (set on the request)."""

    issuer: str = ""
    value: str = ""
    amr: list = dataclasses.field(default_factory=list)
    id_token: str = ""
    expires_at: float = 0.0
    refusal: Refusal | None = None
    user: object = None


class SSOBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(provider.setting)
    # Django's, which mozilla-django-oidc replaces with one that ignores `is_active`: a person deactivated while
    # signed in through the provider is signed out at their next request, as with a password.
    get_user = ModelBackend.get_user

    def __init__(self):
        # Django makes a backend for every request of a signed-in person (`get_user`): the provider's settings and
        # endpoints (perhaps a discovery request) are read in `authenticate`, not here.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        # Only the callback view passes the PKCE verifier; a password sign-in never reaches the provider.
        if request is None or "code_verifier" not in kwargs:
            return None
        request.sso_outcome = self.outcome = Outcome()
        try:
            super().__init__()
            return super().authenticate(request, **kwargs)
        except requests.RequestException:
            self.outcome.refusal = Refusal.PROVIDER
            return None

    def verify_token(self, token, **kwargs):
        """mozilla-django-oidc checks the signature and the nonce; the ID token must also be for us, from our
        issuer, and say when it expires."""
        payload = super().verify_token(token, **kwargs)
        if "exp" not in payload:  # the session's end is the token's (PyJWT checks `exp` only when present)
            raise SuspiciousOperation("ID token without an expiry")
        audience = payload.get("aud")
        if self.OIDC_RP_CLIENT_ID not in (audience if isinstance(audience, list) else [audience]):
            raise SuspiciousOperation("ID token for another client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER.rstrip("/"):
            raise SuspiciousOperation("ID token from another issuer")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        outcome = self.outcome
        if userinfo.get("sub") != payload.get("sub"):  # the userinfo is about someone else: trust neither
            outcome.refusal = Refusal.PROVIDER
            return None
        outcome.issuer, outcome.id_token = payload.get("iss", ""), id_token
        amr = payload.get("amr", [])
        outcome.amr = [str(method) for method in amr] if isinstance(amr, list) else [str(amr)]
        lifetime = settings.SSO_SESSION_SECONDS
        outcome.expires_at = time.time() + lifetime if lifetime else float(payload.get("exp", 0))
        claim = settings.SSO_MATCH_CLAIM
        value = payload.get(claim, userinfo.get(claim))
        if not isinstance(value, str | int) or not str(value).strip():
            outcome.refusal = Refusal.NO_CLAIM
            return None
        outcome.value = str(value).strip()
        matches = list(self.UserModel.objects.filter(**{f"{settings.SSO_MATCH_FIELD}__iexact": outcome.value})[:2])
        if not matches:
            outcome.refusal = Refusal.UNKNOWN
        elif len(matches) > 1:
            outcome.refusal = Refusal.AMBIGUOUS
        elif not matches[0].is_active:
            outcome.refusal, outcome.user = Refusal.INACTIVE, matches[0]
        else:
            outcome.user = matches[0]
        return None if outcome.refusal else outcome.user
