"""The request id: one per request (or task), in a context variable that every log line of it carries.

It comes from the balancer's X-Request-ID when REQUEST_ID_TRUST_HEADER is on and the value is well-formed (bounded
length, a charset that cannot break a log line or a header), otherwise it is generated. Celery tasks enqueued while
it is set carry it in their headers (core.observability.celery).
"""

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
# nginx's $request_id (32 hex), HAProxy's unique-id formats (with : . _ -), UUIDs: all fit; spaces, quotes and
# control characters do not.
VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}", re.ASCII)

current: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted(value: str | None) -> str | None:
    """`value` if it may be used as a request id, else None."""
    return value if value and VALID.fullmatch(value) else None

# In a Celery task: (task id, task name), which its log lines carry next to the request id.
current_task: ContextVar[tuple[str, str] | None] = ContextVar("current_task", default=None)
