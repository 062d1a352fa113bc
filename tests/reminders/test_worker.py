"""Acceptance (issue "Celery at work", items 2–3): a real Redis broker and real `celery worker` processes, not eager
mode. The scan triggered twice delivers each due reminder once; a worker killed with SIGKILL in the middle of the
scan and then restarted delivers each remaining reminder once (acks_late: Redis hands the unacknowledged scan to
the new worker once the visibility timeout has passed; the ledger keeps what was already sent from going twice).

The workers run against this test's own PostgreSQL database (transaction=True: what the test writes is committed
and visible to them), on a Redis key prefix of their own so that nothing else on the same Redis can interfere,
and write their mails to files that the test reads back.
"""

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from email.header import decode_header, make_header
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction

from core.models import Notification
from core.tasks import email_notification
from reminders.models import Reminder
from tests.lifecycle import submitted_proposal
from tests.reminders.helpers import REVIEW_DUE

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
QUEUE = "reminders-test"


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database), for the worker processes."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Broker:
    """A worker environment of its own: this test database, a Redis key prefix, a mail folder, a log per worker."""

    def __init__(self, folder: Path, **env: str):
        self.folder = folder
        self.mail = folder / "mail"
        self.mail.mkdir()
        self.prefix = f"decree73-test-{uuid.uuid4().hex}:"
        self.env = os.environ | {
            "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL, "CELERY_BROKER_KEY_PREFIX": self.prefix,
            "DJANGO_VAR_DIR": str(folder / "var"), "DJANGO_DEBUG": "True",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DJANGO_EMAIL_FILE_PATH": str(self.mail), **env,
        }
        self.workers: list[subprocess.Popen] = []

    def start_worker(self, *, concurrency: int) -> tuple[subprocess.Popen, Path]:
        log = self.folder / f"worker-{len(self.workers)}.log"
        process = subprocess.Popen(  # noqa: S603 - our own celery, our own app
            [CELERY, "-A", "config", "worker", "-Q", QUEUE, "--pool=prefork", f"--concurrency={concurrency}",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO", f"--logfile={log}"],
            cwd=BASE_DIR, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool's children too
        )
        self.workers.append(process)
        return process, log

    def trigger_scan(self, *, times: int) -> None:
        """Enqueue the scan `times` times, from another process, as beat (or an operator) would."""
        code = (
            "import sys; from config.celery import app; "
            "[app.send_task('reminders.tasks.scan_deadlines', args=[sys.argv[1]], queue=sys.argv[2]) "
            "for _ in range(int(sys.argv[3]))]"
        )
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", code, REVIEW_DUE.isoformat(), QUEUE, str(times)], cwd=BASE_DIR, env=self.env,
            check=True, timeout=60,
        )

    def mails(self) -> list[tuple[str, str]]:
        """(To, Subject) of every mail the workers sent."""
        found = []
        for path in sorted(self.mail.iterdir()):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    message = email.message_from_bytes(chunk)
                    found.append((message["To"], str(make_header(decode_header(message["Subject"])))))
        return found

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.workers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{self.prefix}*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def broker_for(tmp_path):
    made = []

    def make(**env) -> Broker:
        made.append(Broker(tmp_path, **env))
        return made[-1]

    yield make
    for broker in made:
        broker.stop()


def wait_until(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def scans_finished(log: Path) -> int:
    """How many scans the worker logged as finished."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return sum(1 for line in lines if "reminders.tasks.scan_deadlines[" in line and " succeeded in " in line)


@pytest.fixture
def due_reminders(proposer, head, secretariat, superior_head):
    """Six plans whose review meeting is due on 11/03/2026: on that day the head and the secretariat of the
    department are reminded of each, twelve reminders in all. The lifecycle's own e-mails are not enqueued here."""
    with mock.patch("core.notifications._enqueue_email"):
        proposals = [submitted_proposal(proposer=proposer, title=f"Đề xuất thử nghiệm số {n}") for n in range(6)]
    assert {p.review_due for p in proposals} == {REVIEW_DUE}
    expected = {(person.email, p.code) for p in proposals for person in (head, secretariat)}
    return proposals, expected


def delivered_once(broker: Broker, expected: set) -> None:
    mails = broker.mails()
    pairs = [(to, next(code for _email, code in expected if code in subject)) for to, subject in mails]
    assert sorted(pairs) == sorted(expected), "each reminder must be e-mailed exactly once"
    assert Notification.objects.filter(reminder__isnull=False).count() == len(expected)
    assert Reminder.objects.filter(state="sent").count() == len(expected) == Reminder.objects.count()


def test_the_scan_triggered_twice_on_two_busy_workers_delivers_each_reminder_once(due_reminders, broker_for):
    _proposals, expected = due_reminders
    broker = broker_for(REMINDER_SEND_PAUSE_SECONDS="0.2")
    _worker, log = broker.start_worker(concurrency=2)

    broker.trigger_scan(times=2)

    wait_until(lambda: scans_finished(log) >= 2, timeout=90, what="both scans to finish")
    delivered_once(broker, expected)


def test_a_worker_killed_mid_scan_and_restarted_delivers_each_remaining_reminder_once(due_reminders, broker_for):
    _proposals, expected = due_reminders
    # One second between two mails: time to kill the worker while it is in the middle of the scan. A short
    # visibility timeout and claim lease so that the test does not wait an hour for the broker to hand it out again.
    broker = broker_for(REMINDER_SEND_PAUSE_SECONDS="1", CELERY_VISIBILITY_TIMEOUT="3", MAIL_CLAIM_LEASE_SECONDS="5")
    worker, _log = broker.start_worker(concurrency=1)
    broker.trigger_scan(times=1)

    def between_two_sends():
        sent = Reminder.objects.filter(state="sent").count()
        in_flight = Reminder.objects.exclude(claim="").exists()
        return sent if sent >= 3 and not in_flight else 0

    sent_before = wait_until(between_two_sends, timeout=90, what="the scan to be under way")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert sent_before < len(expected), "the scan finished before it could be killed"
    assert len(broker.mails()) == Reminder.objects.filter(state="sent").count()
    time.sleep(4)  # past the visibility timeout: the restarted worker takes the unacknowledged scan back

    _restarted, log = broker.start_worker(concurrency=1)

    wait_until(lambda: scans_finished(log) >= 1, timeout=120, what="the redelivered scan to finish")
    delivered_once(broker, expected)


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
