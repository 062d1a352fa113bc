"""Acceptance (issue "Celery at work", items 2–3; issue 14 §4): a real Redis broker and real `celery worker`
processes, not eager mode. The scan triggered twice on two worker nodes at once delivers each due reminder once; a
worker killed with SIGKILL in the middle of the scan and then restarted delivers each remaining reminder once
(acks_late: Redis hands the unacknowledged scan to the new worker once the visibility timeout has passed; the ledger
keeps what was already sent from going twice).

The workers are tests.celery_nodes processes: this test's own PostgreSQL database, a Redis key prefix of their own,
mails written to files that the test reads back; the scan goes to the `reminders` queue by CELERY_TASK_ROUTES.
"""

import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.db import transaction

from core.models import Notification
from core.tasks import email_notification
from reminders.models import Reminder
from tests.celery_nodes import Nodes, log_lines, wait_until
from tests.lifecycle import submitted_proposal
from tests.reminders.helpers import REVIEW_DUE

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def trigger_scan(nodes: Nodes, *, times: int) -> None:
    nodes.send("reminders.tasks.scan_deadlines", REVIEW_DUE.isoformat(), times=times)


def scans_finished(log: Path) -> int:
    """How many scans the worker logged as finished."""
    return sum(1 for line in log_lines(log) if "reminders.tasks.scan_deadlines[" in line and " succeeded in " in line)


def ready(log: Path) -> bool:
    return any(line.endswith(" ready.") for line in log_lines(log))


@pytest.fixture
def due_reminders(proposer, head, secretariat, superior_head):
    """Six plans whose review meeting is due on 11/03/2026: on that day the head and the secretariat of the
    department are reminded of each, twelve reminders in all. The lifecycle's own e-mails are not enqueued here."""
    with mock.patch("core.notifications._enqueue_email"):
        proposals = [submitted_proposal(proposer=proposer, title=f"Đề xuất thử nghiệm số {n}") for n in range(6)]
    assert {p.review_due for p in proposals} == {REVIEW_DUE}
    expected = {(person.email, p.code) for p in proposals for person in (head, secretariat)}
    return proposals, expected


def delivered_once(nodes: Nodes, expected: set) -> None:
    mails = nodes.mails()
    pairs = [(to, next(code for _email, code in expected if code in subject)) for to, subject in mails]
    assert sorted(pairs) == sorted(expected), "each reminder must be e-mailed exactly once"
    assert Notification.objects.filter(reminder__isnull=False).count() == len(expected)
    assert Reminder.objects.filter(state="sent").count() == len(expected) == Reminder.objects.count()


def test_the_scan_triggered_twice_on_two_worker_nodes_at_once_delivers_each_reminder_once(due_reminders, nodes_for):
    # Two nodes, as on two machines: each takes one scan (one task at a time, prefetching none beyond it) and both
    # scans walk the same twelve due reminders at once, a pause between two mails keeping them side by side.
    _proposals, expected = due_reminders
    nodes = nodes_for(REMINDER_SEND_PAUSE_SECONDS="0.2")
    (_a, log_a), (_b, log_b) = nodes.start_worker(concurrency=1), nodes.start_worker(concurrency=1)
    wait_until(lambda: ready(log_a) and ready(log_b), timeout=90, what="both worker nodes to be ready")

    trigger_scan(nodes, times=2)

    wait_until(lambda: scans_finished(log_a) + scans_finished(log_b) >= 2, timeout=90, what="both scans to finish")
    assert (scans_finished(log_a), scans_finished(log_b)) == (1, 1), "each node should have run one scan"
    delivered_once(nodes, expected)


def test_a_worker_killed_mid_scan_and_restarted_delivers_each_remaining_reminder_once(due_reminders, nodes_for):
    _proposals, expected = due_reminders
    # One second between two mails: time to kill the worker while it is in the middle of the scan. A short
    # visibility timeout and claim lease so that the test does not wait an hour for the nodes to hand it out again.
    nodes = nodes_for(REMINDER_SEND_PAUSE_SECONDS="1", CELERY_VISIBILITY_TIMEOUT="3", MAIL_CLAIM_LEASE_SECONDS="5")
    worker, _log = nodes.start_worker(concurrency=1)
    trigger_scan(nodes, times=1)

    def between_two_sends():
        sent = Reminder.objects.filter(state="sent").count()
        in_flight = Reminder.objects.exclude(claim="").exists()
        return sent if sent >= 3 and not in_flight else 0

    sent_before = wait_until(between_two_sends, timeout=90, what="the scan to be under way")
    nodes.kill(worker)
    assert sent_before < len(expected), "the scan finished before it could be killed"
    assert len(nodes.mails()) == Reminder.objects.filter(state="sent").count()
    time.sleep(4)  # past the visibility timeout: the restarted worker takes the unacknowledged scan back

    _restarted, log = nodes.start_worker(concurrency=1)

    wait_until(lambda: scans_finished(log) >= 1, timeout=120, what="the redelivered scan to finish")
    delivered_once(nodes, expected)


def test_a_task_enqueued_in_a_transaction_that_rolls_back_never_reaches_the_broker():
    # style.md "known traps": `task.delay()` inside a transaction races the commit; on commit, it cannot.
    queue = f"test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = settings.CELERY_BROKER_KEY_PREFIX + queue  # the queue's list in Redis, under this process's key prefix
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            email_notification.apply_async_on_commit(args=[1], queue=queue)
            raise RuntimeError("rolled back")
        assert client.llen(key) == 0

        with transaction.atomic():
            email_notification.apply_async_on_commit(args=[1], queue=queue)
            assert client.llen(key) == 0  # not before the commit
        assert client.llen(key) == 1
    finally:
        prefix = settings.CELERY_BROKER_KEY_PREFIX
        client.delete(key, f"{prefix}_kombu.binding.{queue}", f"{prefix}_kombu.binding_permanent.{queue}")
