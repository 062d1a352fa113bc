"""Delivering the outbox: one POST per attempt, the row locked while it is sent, retried with backoff.

A row is claimed with SELECT … FOR UPDATE SKIP LOCKED and kept locked until its attempt is recorded, so two
workers (the on-commit task and a sweep, or two sweeps) never send the same row at once: the other one skips
it, and finds it delivered or rescheduled afterwards. A worker that dies after the receiver answered leaves the
row pending (its transaction rolls back) and it is sent again, with the same Idempotency-Key: at least once.
"""

import datetime
import json
import random
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Delivery, DeliveryAttempt
from .signing import sign

USER_AGENT = "Decree73-Webhooks/1.0"
ERROR_MAX_LENGTH = 500


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def body_of(delivery: Delivery) -> bytes:
    """The same bytes on every attempt: the payload was fixed when the event was recorded."""
    return json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def headers_for(delivery: Delivery, body: bytes, timestamp: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": str(delivery.key),
        "X-Webhook-Event": delivery.event_type,
        "X-Signature-Timestamp": timestamp,
        "X-Signature": sign(delivery.subscription.secret, timestamp, body),
    }


def post(delivery: Delivery) -> Outcome:
    """POST the delivery once. Redirects are not followed (a 3xx is a failure): the receiver is the URL given."""
    body = body_of(delivery)
    headers = headers_for(delivery, body, str(int(time.time())))
    timeout = (settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS, settings.WEBHOOK_READ_TIMEOUT_SECONDS)
    started = time.perf_counter()
    try:
        # stream=True: only the status line and headers are read; a receiver's long answer is not our concern.
        with requests.post(delivery.subscription.url, data=body, headers=headers, timeout=timeout,
                           allow_redirects=False, stream=True) as response:
            code = response.status_code
        error = "" if 200 <= code < 300 else f"HTTP {code}"
    except requests.Timeout as exc:
        code, error = None, f"timeout: {exc}"
    except requests.RequestException as exc:
        code, error = None, f"{type(exc).__name__}: {exc}"
    return Outcome(code, error[:ERROR_MAX_LENGTH], round((time.perf_counter() - started) * 1000))


def backoff_seconds(attempt: int) -> float:
    """After the `attempt`-th failure: min(base * 2^(attempt-1), max), less up to half of it at random, so that
    deliveries that failed together (a receiver down) do not all come back in the same second."""
    ceiling = min(settings.WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** (attempt - 1), settings.WEBHOOK_BACKOFF_MAX_SECONDS)
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 (jitter, not a secret)


def _attempt(delivery: Delivery) -> Outcome:
    """Send a locked delivery and record the attempt and its consequence."""
    attempted_at = timezone.now()
    outcome = post(delivery)
    delivery.attempts += 1
    if outcome.delivered:
        delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, timezone.now()
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
    else:
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=backoff_seconds(delivery.attempts))
    delivery.save(update_fields=["status", "attempts", "delivered_at", "next_attempt_at"])
    DeliveryAttempt.objects.create(
        delivery=delivery, attempted_at=attempted_at, status_code=outcome.status_code,
        duration_ms=outcome.duration_ms, error=outcome.error,
    )
    return outcome


def _due():
    return Delivery.objects.filter(
        status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now(), subscription__active=True
    )


def _attempt_first(queryset) -> Outcome | None:
    """Attempt the first row of `queryset` that no other worker holds; None when there is none."""
    with transaction.atomic():
        delivery = queryset.select_for_update(skip_locked=True, of=("self",)).select_related("subscription").first()
        return None if delivery is None else _attempt(delivery)


def deliver(pk: int) -> Outcome | None:
    """Attempt delivery `pk` if it is pending and due and no other worker is sending it."""
    return _attempt_first(_due().filter(pk=pk))


def sweep(limit: int | None = None) -> int:
    """Attempt the due deliveries, oldest first, up to `limit` (WEBHOOK_SWEEP_BATCH). Returns how many."""
    done = 0
    for _ in range(limit or settings.WEBHOOK_SWEEP_BATCH):
        if _attempt_first(_due().order_by("next_attempt_at", "pk")) is None:
            break
        done += 1
    return done
