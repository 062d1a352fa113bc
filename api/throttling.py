"""Rate limits per token (issue 13 §2): the cache counts each token's requests; past the rate, 429 with Retry-After.

A session counts as its user, and a request without credentials as its address (DRF's `get_ident`)."""

from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if token is not None and hasattr(token, "digest"):
            ident = f"t{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = f"a{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
