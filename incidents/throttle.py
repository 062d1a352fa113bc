"""A per-address limit on the public pages (the report form, the receipt lookup), counted in Django's cache.

Fixed windows of an hour: the first request of a window creates its counter, every request adds one. The
address is REMOTE_ADDR: behind a reverse proxy, the proxy must set it to the client's address (a header the
client can write, X-Forwarded-For, would let anyone reset their own limit). The cache must be shared by the
application's processes (Redis or Memcached in production) for the limit to hold across them; the default
local-memory cache counts per process.
"""

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def limit(name: str, default: int) -> int:
    """The number of requests an address may make per hour on a public page (a setting, with a default)."""
    return int(getattr(settings, "INCIDENTS_PUBLIC_LIMITS", {}).get(name, default))


def allow(request, *, scope: str, per_hour: int) -> bool:
    """Count this request against its address's limit for `scope`; False once the limit is passed."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    window = int(time.time() // WINDOW_SECONDS)
    key = f"incidents:throttle:{scope}:{address}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= per_hour
