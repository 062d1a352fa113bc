"""Sent exactly once (spec README §5: "each reminder is sent once, even if workers restart or run twice"): a ledger
row per (step, recipient, kind, due date) under a unique constraint, claimed by a conditional UPDATE, marked sent
only after delivery succeeded. And a task enqueued in a transaction that rolls back never runs.
"""

import datetime
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.utils import timezone

from core.models import Notification
from core.notifications import notify
from core.tasks import email_notification
from reminders.models import Reminder
from reminders.services import reminder_deliver, reminders_plan, reminders_scan
from reminders.tasks import scan_deadlines
from tests.lifecycle import submitted_proposal
from tests.reminders.helpers import TWO_DAYS_BEFORE, mails_to, morning, notifications_of


class FailingBackend(EmailBackend):
    """An SMTP server that refuses everything."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.fixture
def monday_the_9th(time_machine):
    time_machine.move_to(morning(TWO_DAYS_BEFORE), tick=False)
    return TWO_DAYS_BEFORE


def test_the_scan_task_run_twice_sends_one_email_and_one_notification(submitted, head, secretariat, monday_the_9th, mailoutbox):
    first = scan_deadlines.apply(args=[monday_the_9th.isoformat()]).get()
    second = scan_deadlines.apply(args=[monday_the_9th.isoformat()]).get()

    assert (first["sent"], second["sent"]) == (2, 0)
    assert [len(mails_to(mailoutbox, p)) for p in (head, secretariat)] == [1, 1]
    assert [len(notifications_of(p)) for p in (head, secretariat)] == [1, 1]
    assert Reminder.objects.filter(state="sent").count() == 2


def test_delivering_one_ledger_row_twice_sends_it_once(submitted, head, monday_the_9th, mailoutbox):
    reminders_plan(today=monday_the_9th)
    row = Reminder.objects.get(recipient=head)

    assert reminder_deliver(reminder_id=row.pk, today=monday_the_9th) is True
    assert reminder_deliver(reminder_id=row.pk, today=monday_the_9th) is False

    row.refresh_from_db()
    assert (row.state, row.attempts, row.claim) == ("sent", 1, "")
    assert row.notification.recipient == head
    assert len(mails_to(mailoutbox, head)) == 1


def test_a_row_claimed_by_a_live_worker_is_left_alone_and_one_left_by_a_dead_worker_is_taken_over(
    submitted, head, monday_the_9th, mailoutbox, settings, time_machine
):
    settings.MAIL_CLAIM_LEASE_SECONDS = 600
    reminders_plan(today=monday_the_9th)
    row = Reminder.objects.get(recipient=head)
    # A worker claimed it and died before it sent anything.
    Reminder.objects.filter(pk=row.pk).update(claim="deadworker", claimed_at=timezone.now())

    assert reminder_deliver(reminder_id=row.pk, today=monday_the_9th) is False  # maybe still at work

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11), tick=False)
    assert reminder_deliver(reminder_id=row.pk, today=monday_the_9th) is True
    assert len(mails_to(mailoutbox, head)) == 1
    assert len(notifications_of(head)) == 1


def test_a_failed_email_stays_pending_and_goes_once_when_the_server_is_back(
    submitted, head, secretariat, monday_the_9th, settings
):
    settings.EMAIL_BACKEND = "tests.reminders.test_sent_once.FailingBackend"

    assert reminders_scan(today=monday_the_9th) == {"day": "2026-03-09", "due": 2, "sent": 0, "failed": 2}

    row = Reminder.objects.get(recipient=head)
    assert (row.state, row.attempts, row.claim) == ("pending", 1, "")
    assert row.last_error == "ConnectionRefusedError: SMTP server unreachable"
    # The in-app notification exists already and is not made twice; its e-mail is still to be sent.
    assert row.notification.email_status == "pending"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert reminders_scan(today=monday_the_9th)["sent"] == 2
    assert len(mails_to(mail.outbox, head)) == 1
    assert len(notifications_of(head)) == 1
    assert Notification.objects.get(recipient=head).email_status == "sent"


def test_the_scan_task_is_retried_while_a_delivery_fails(submitted, head, secretariat, monday_the_9th, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_sent_once.FailingBackend"
    with mock.patch.object(scan_deadlines, "retry", side_effect=RuntimeError("retry")) as retry:
        with pytest.raises(RuntimeError):
            scan_deadlines.apply(args=[monday_the_9th.isoformat()], throw=True)
    retry.assert_called_once_with(args=["2026-03-09"], countdown=300)


def test_a_task_enqueued_in_a_transaction_that_rolls_back_never_runs(head, celery_eager, mailoutbox,
                                                                    django_capture_on_commit_callbacks):
    with mock.patch.object(email_notification, "apply_async", wraps=email_notification.apply_async) as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                notify(recipients=[head], message="Thông báo sẽ bị hủy.")
                raise RuntimeError("rolled back")
        assert enqueue.call_count == 0
        assert not Notification.objects.exists() and mailoutbox == []

        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                notify(recipients=[head], message="Thông báo được lưu.")
            assert enqueue.call_count == 0  # not before the commit
        assert enqueue.call_count == 1
    assert len(mailoutbox) == 1


# --- Two workers at once (PostgreSQL: SQLite serialises whole transactions) ---------------------------------------


def together(*calls):
    """Run `calls` in threads released at the same instant; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_one_reminder_at_once_send_one_email_and_one_notification(
    submitted, head, monday_the_9th, mailoutbox
):
    reminders_plan(today=monday_the_9th)
    row = Reminder.objects.get(recipient=head)

    outcomes = together(*[lambda: reminder_deliver(reminder_id=row.pk, today=monday_the_9th)] * 2)

    assert sorted(outcomes) == [False, True], outcomes
    assert len(mails_to(mailoutbox, head)) == 1
    assert len(notifications_of(head)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_plan_one_row_and_send_one_email_per_reminder(
    proposer, head, secretariat, mailoutbox, time_machine
):
    for n in range(4):
        submitted_proposal(proposer=proposer, title=f"Đề xuất số {n}")
    monday_the_9th = TWO_DAYS_BEFORE
    time_machine.move_to(morning(monday_the_9th), tick=False)

    outcomes = together(*[lambda: reminders_scan(today=monday_the_9th)] * 2)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(o["sent"] for o in outcomes) == 8
    assert Reminder.objects.count() == 8
    assert [len(mails_to(mailoutbox, p)) for p in (head, secretariat)] == [4, 4]
    assert [len(notifications_of(p)) for p in (head, secretariat)] == [4, 4]
