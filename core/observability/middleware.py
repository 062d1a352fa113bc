"""ObservabilityMiddleware: first in MIDDLEWARE (config/settings.py prepends it).

/healthz, /readyz and /metrics are answered here, before SecurityMiddleware and CommonMiddleware: the balancer's
probes and Prometheus speak plain HTTP to a node's own address, which the HTTPS redirect and ALLOWED_HOSTS would
refuse, and they must not read or write a session, pass the CSRF check or be counted by any rate limit (none of which
has run yet). Every other request gets its request id (kept in a context variable for the log lines and the tasks
it enqueues, and returned in X-Request-ID), then one access log line and one sample of the latency histogram.

The cost is kept to what it must be: a dict lookup for the three paths, a uuid4 when the balancer gave no id, two
clock reads, one log record and one histogram observation (measured in deploy/observability.md).
"""

import logging
import time

from django.conf import settings

from . import health, metrics, request_id

logger = logging.getLogger("decree73.request")

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _loggable(path: str) -> str:
    """The path as one safe line: control characters escaped (a newline would forge a line in the text format),
    at most 500 characters."""
    path = path if path.isprintable() else path.encode("unicode_escape").decode("ascii")
    return path[:500]


def _user_id(request) -> int | None:
    """The signed-in user's id if this request already loaded the user; never a query of its own."""
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


class ObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.trust_header = settings.REQUEST_ID_TRUST_HEADER
        self.endpoints = {"/healthz": health.healthz, "/readyz": health.readyz, "/metrics": metrics.metrics_view}

    def __call__(self, request):
        endpoint = self.endpoints.get(request.path_info)
        if endpoint is not None:
            return endpoint(request)
        rid = (self.trust_header and request_id.accepted(request.META.get("HTTP_X_REQUEST_ID"))) or (
            request_id.new_request_id()
        )
        request.request_id = rid
        token = request_id.current.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            # Label values stay few: the route's name, never the path (ids would make a series per proposal).
            view = match.view_name if match is not None else "<unmatched>"
            method = request.method if request.method in KNOWN_METHODS else "other"
            status = response.status_code
            metrics.REQUEST_LATENCY.labels(view, method, str(status)).observe(duration)
            response.headers[request_id.HEADER] = rid
            # The path without its query string: searches and tokens stay out of the log.
            path = _loggable(request.path)
            logger.info(
                "%s %s %s %.1fms", method, path, status, duration * 1000,
                extra={"method": method, "path": path, "view": view, "status": status,
                       "duration_ms": round(duration * 1000, 1), "user_id": _user_id(request)},
            )
            return response
        finally:
            request_id.current.reset(token)
