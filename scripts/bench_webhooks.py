"""Webhook delivery (`make bench SECTIONS=webhooks`, issue 13 §3): how fast the outbox drains to a receiver on
loopback that answers 200 at once, with one sweep and with two sweeps at once (SKIP LOCKED), and what the
sweep's "what is due" query costs once the outbox holds many delivered rows (the partial index keeps only the
pending ones).
"""

import threading
import time

from django.db import connection

SUBSCRIPTIONS = 10
DELIVERED_ROWS = 100_000
PENDING_ROWS = 2_000


def _seed(count: int, *, status: str, subscriptions) -> None:
    """`count` deliveries, each audit event going to every subscription under each of its four types."""
    from django.utils import timezone

    from accounts.models import OrgUnit
    from core.audit import audit_record
    from webhooks.models import Delivery, EventType

    unit = OrgUnit.objects.first() or OrgUnit.objects.create(code="BENCH-WH", name="Sở thử tải webhook")
    now = timezone.now()
    per_event = len(subscriptions) * len(EventType)
    for _ in range(count // per_event):
        event = audit_record(action="bench_webhook", obj=unit)
        Delivery.objects.bulk_create(
            Delivery(subscription=subscription, event=event, event_type=event_type, payload={"type": event_type},
                     status=status, next_attempt_at=now, delivered_at=now if status == "delivered" else None)
            for subscription in subscriptions for event_type in EventType.values
        )


def _sweeps_at_once(count: int, limit: int) -> tuple[int, float]:
    """`count` sweeps in threads, each of at most `limit` deliveries: how many they sent, in how many seconds."""
    from webhooks import sender

    results: list[int] = []

    def sweep():
        try:
            results.append(sender.sweep(limit=limit))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(results), time.perf_counter() - started


def run(bench) -> None:
    from tests.webhooks.conftest import Receiver
    from webhooks import sender
    from webhooks.models import Delivery, DeliveryAttempt, EventType, Subscription

    receiver = Receiver()
    receiver.thread.start()
    try:
        subscriptions = Subscription.objects.bulk_create(
            Subscription(name=f"Hệ thống {n}", url=receiver.url, event_types=list(EventType.values))
            for n in range(SUBSCRIPTIONS)
        )
        _seed(DELIVERED_ROWS, status="delivered", subscriptions=subscriptions)
        _seed(PENDING_ROWS, status="pending", subscriptions=subscriptions)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE webhooks_delivery; ANALYZE webhooks_subscription")
        seconds, _ = bench.timed(lambda: list(sender._due().order_by("next_attempt_at", "pk")[:1]))
        bench.row(f"the sweep's due query, {PENDING_ROWS:,} due among {DELIVERED_ROWS:,} delivered", bench.ms(seconds))
        plan = sender._due().order_by("next_attempt_at", "pk")[:1].explain()
        bench.row("its plan reads the partial index in order", str("webhooks_delivery_due" in plan and "Sort" not in plan))

        sent, seconds = _sweeps_at_once(1, PENDING_ROWS // 2)
        bench.row(f"one sweep: {sent:,} deliveries", f"{sent / seconds:7.0f} /s")
        sent, seconds = _sweeps_at_once(2, PENDING_ROWS // 2)
        bench.row(f"two sweeps at once: {sent:,} deliveries", f"{sent / seconds:7.0f} /s")
        durations = sorted(DeliveryAttempt.objects.values_list("duration_ms", flat=True))
        bench.row("median POST (the attempt log's duration)", f"{durations[len(durations) // 2]:9d} ms")
        keys = receiver.keys()
        bench.row("requests received / distinct keys / still pending",
                  f"{len(keys):,} / {len(set(keys)):,} / {Delivery.objects.filter(status='pending').count():,}")
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
