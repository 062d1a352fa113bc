"""Two sweeps (or a sweep and the on-commit task) at once never send the same delivery twice (PostgreSQL: SQLite
serialises whole transactions, and its SELECT … FOR UPDATE is a no-op)."""

import pytest

from tests.lifecycle import submitted_proposal
from tests.reminders.test_sent_once import together
from webhooks import sender, tasks
from webhooks.models import Delivery, DeliveryAttempt, EventType

from .conftest import make_subscription

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sweeps_at_once_send_each_delivery_once(receiver, proposer, leaders, monkeypatch):
    monkeypatch.setattr(tasks.deliver_webhook, "delay", lambda pk: None)  # only the sweeps send here
    make_subscription(url=receiver.url, types=[EventType.SUBMITTED, EventType.STATUS_CHANGED])
    for _ in range(3):
        submitted_proposal(proposer=proposer)
    assert Delivery.objects.count() == 6
    receiver.plan = [("slow", 0.2, 200)] * 6  # each POST holds its row long enough for the other sweep to meet it

    outcomes = together(sender.sweep, sender.sweep)

    assert sum(outcomes) == 6
    assert len(receiver.received) == 6 and len(set(receiver.keys())) == 6
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
    assert DeliveryAttempt.objects.count() == 6


def test_the_task_and_a_sweep_at_once_send_a_delivery_once(receiver, proposer, leaders, monkeypatch):
    monkeypatch.setattr(tasks.deliver_webhook, "delay", lambda pk: None)
    make_subscription(url=receiver.url)
    submitted_proposal(proposer=proposer)
    delivery = Delivery.objects.get()
    receiver.plan = [("slow", 0.3, 200)]

    together(lambda: sender.deliver(delivery.pk), sender.sweep)

    assert receiver.keys() == [str(delivery.key)]
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 1
