"""Issue 13 §3: webhook deliveries survive a receiver that fails, times out or answers twice, and each event is
delivered with the same idempotency key on every retry. Every test talks to a real HTTP server on loopback."""

import datetime
import json

import pytest
from django.db import transaction
from django.utils import timezone

from core.models import AuditEvent
from tests.lifecycle import complete_plan, submitted_proposal
from webhooks import sender
from webhooks.models import Delivery, DeliveryAttempt, Subscription
from webhooks.signing import verify

PLAN_TEXTS = [value for name, value in complete_plan().items() if isinstance(value, str) and name != "title" and value]


@pytest.fixture
def submit(proposer, leaders, celery_eager, django_capture_on_commit_callbacks):
    """Submit a plan and run what its commit enqueues (the delivery task, eagerly, as a worker would)."""

    def submit():
        with django_capture_on_commit_callbacks(execute=True):
            return submitted_proposal(proposer=proposer)

    return submit


def later(time_machine, seconds: int = 31) -> None:
    """Past the longest backoff of the tests (30 s)."""
    time_machine.shift(datetime.timedelta(seconds=seconds))


def test_a_submission_is_delivered_once_signed_with_the_subscriptions_secret(subscription, receiver, submit):
    proposal = submit()
    assert len(receiver.received) == 1
    request = receiver.received[0]
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 1
    assert request.headers["Idempotency-Key"] == str(delivery.key)
    assert request.headers["User-Agent"].startswith("Decree73-Webhooks/")
    assert request.headers["X-Webhook-Event"] == "proposal.submitted"
    assert verify(subscription.secret, request.headers["X-Signature-Timestamp"], request.body,
                  request.headers["X-Signature"])
    assert not verify("another secret", request.headers["X-Signature-Timestamp"], request.body,
                      request.headers["X-Signature"])
    body = json.loads(request.body)
    assert body["id"] == str(delivery.key) and body["type"] == "proposal.submitted"
    assert body["sequence"] == AuditEvent.objects.get(action="submit").seq
    assert body["proposal"]["code"] == proposal.code and body["proposal"]["status"] == "submitted"
    assert body["proposal"]["url"].endswith(f"/{proposal.pk}/")
    assert not [text for text in PLAN_TEXTS if text in request.body.decode()], "the plan's content never leaves"
    assert list(DeliveryAttempt.objects.values_list("status_code", flat=True)) == [200]
    assert sender.sweep() == 0, "a delivered event is not sent again"
    assert len(receiver.received) == 1


def test_a_receiver_that_fails_gets_the_event_again_later_with_the_same_key_and_body(
    subscription, receiver, submit, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    receiver.plan = [500, 503]
    submit()
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.next_attempt_at > timezone.now()
    assert sender.sweep() == 0, "not before its backoff has passed"
    later(time_machine)
    sender.sweep()
    later(time_machine)
    sender.sweep()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 3
    assert receiver.keys() == [str(delivery.key)] * 3
    assert len({request.body for request in receiver.received}) == 1
    log = DeliveryAttempt.objects.filter(delivery=delivery)
    assert [(a.status_code, a.error) for a in log] == [(500, "HTTP 500"), (503, "HTTP 503"), (200, "")]


def test_a_receiver_that_times_out_is_retried_and_can_recognise_the_duplicate_by_its_key(
    subscription, receiver, submit, time_machine, settings
):
    """The slow receiver did get the first request: it receives the event twice, under one key."""
    time_machine.move_to(timezone.now(), tick=False)
    settings.WEBHOOK_READ_TIMEOUT_SECONDS = 0.3
    receiver.plan = [("slow", 1, 200)]
    submit()
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code is None and attempt.error.startswith("timeout")
    later(time_machine)
    assert sender.sweep() == 1
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    assert receiver.keys() == [str(delivery.key)] * 2
    assert receiver.received[0].body == receiver.received[1].body


def test_a_receiver_that_is_down_is_a_connection_error_and_retried(subscription, receiver, submit, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    receiver.server.server_close()  # nothing listens on the port any more
    submit()
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code is None and "ConnectionError" in attempt.error
    assert Delivery.objects.get().status == Delivery.Status.PENDING


def test_a_worker_that_dies_after_the_receiver_answered_sends_again_with_the_same_key(
    subscription, receiver, proposer, leaders, django_capture_on_commit_callbacks, monkeypatch
):
    """At least once: the attempt's record rolls back with the worker, so the row is still pending."""
    with django_capture_on_commit_callbacks(execute=False):
        submitted_proposal(proposer=proposer)
    delivery = Delivery.objects.get()

    def die(**kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(DeliveryAttempt.objects, "create", die)
    with pytest.raises(SystemExit):
        sender.deliver(delivery.pk)
    monkeypatch.undo()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 0
    assert sender.sweep() == 1
    assert receiver.keys() == [str(delivery.key)] * 2


def test_after_the_last_attempt_the_delivery_fails_and_stays_failed(
    subscription, receiver, submit, time_machine, settings
):
    time_machine.move_to(timezone.now(), tick=False)
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.plan = [500, 500, 500]
    submit()
    later(time_machine)
    sender.sweep()
    later(time_machine)
    assert sender.sweep() == 0
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 2
    assert len(receiver.received) == 2


def test_an_event_of_a_rolled_back_transaction_is_never_sent(
    subscription, receiver, proposer, leaders, celery_eager, django_capture_on_commit_callbacks
):
    class Refused(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused), transaction.atomic():
        submitted_proposal(proposer=proposer)
        raise Refused
    assert not Delivery.objects.exists() and not AuditEvent.objects.filter(action="submit").exists()
    assert receiver.received == []


def test_a_paused_subscription_keeps_its_deliveries_until_it_is_active_again(subscription, receiver, submit):
    subscription.active = False
    subscription.save()
    submit()
    assert not Delivery.objects.exists(), "a paused subscription takes no new events"
    Subscription.objects.filter(pk=subscription.pk).update(active=True)
    submit()
    Subscription.objects.filter(pk=subscription.pk).update(active=False)
    assert sender.sweep() == 0
    assert len(receiver.received) == 1


def test_backoff_doubles_up_to_the_maximum_with_jitter_below_it(settings):
    settings.WEBHOOK_BACKOFF_BASE_SECONDS, settings.WEBHOOK_BACKOFF_MAX_SECONDS = 10, 60
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (4, 60), (9, 60)]:
        delays = {sender.backoff_seconds(attempt) for _ in range(50)}
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays), attempt
        assert len(delays) > 1, "jittered"
