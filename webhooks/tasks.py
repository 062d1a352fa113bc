"""Thin tasks over webhooks.sender: one delivery after its commit, and beat's sweep of what is due."""

import functools
from collections.abc import Iterable

from celery import shared_task
from django.db import transaction

from . import sender


@shared_task
def deliver_webhook(delivery_id: int) -> bool | None:
    """Attempt one delivery now; None when it is not due or another worker holds it (the sweep retries)."""
    outcome = sender.deliver(delivery_id)
    return None if outcome is None else outcome.delivered


@shared_task
def sweep_webhooks() -> int:
    return sender.sweep()


def deliver_after_commit(pks: Iterable[int]) -> None:
    """Enqueue one task per delivery once the current transaction commits (none if it rolls back). A task lost
    on the way (broker down) is not lost for good: the sweep finds its row pending and due."""
    transaction.on_commit(functools.partial(_enqueue_each, list(pks)))


def _enqueue_each(pks: list[int]) -> None:
    for pk in pks:
        deliver_webhook.delay(pk)
