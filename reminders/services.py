"""The daily deadline scan (spec README §4–5): plan the reminders and escalations due today into the ledger, then
deliver each one exactly once.

Sent once, whatever happens to the workers (the healthchecks `sendalerts` pattern):
- planning inserts ledger rows under unique constraints, so a second scan (or two at once) adds nothing;
- delivery claims a row with a conditional UPDATE (`state=pending` and no live claim) and acts only if exactly
  one row changed; the notification is created once per row (kept on the row across retries); the row is
  marked sent only after the e-mail has gone;
- a worker killed mid-run leaves its row claimed: the claim expires after `MAIL_CLAIM_LEASE_SECONDS` and the
  next run (the task redelivered by the broker, acks_late) delivers it, once.
"""

import datetime
import logging
import time
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from core import mail, workdays
from core.notifications import notification_create, notification_email_send

from . import selectors
from .models import Reminder

logger = logging.getLogger(__name__)

REMIND_BEFORE = gettext_noop(
    "Nhắc việc: “%(label)s” của đề xuất %(code)s “%(title)s” đến hạn ngày %(due)s (còn %(days)s ngày làm việc)."
)
REMIND_ON_DAY = gettext_noop("Nhắc việc: hôm nay (%(due)s) là hạn “%(label)s” của đề xuất %(code)s “%(title)s”.")
ESCALATE = gettext_noop(
    "Quá hạn: “%(label)s” của đề xuất %(code)s “%(title)s” đã quá hạn ngày %(due)s mà chưa hoàn thành (%(unit)s)."
)


def reminders_plan(*, today: datetime.date) -> int:
    """Insert the ledger rows due today (none on a day off); rows that exist already are left alone. Returns how
    many were due."""
    due = selectors.due_reminders(today=today)
    if not due:
        return 0
    # Most of what is due was planned by an earlier run (yesterday's "two days before", a second scan today):
    # read those keys once rather than send every row to the insert. The constraints still decide a race.
    existing = set(
        Reminder.objects.filter(step_id__in={reminder.step_id for reminder in due}).values_list(*selectors.LEDGER_KEY)
    )
    new = [reminder.as_row() for reminder in due if reminder.key not in existing]
    if new:
        Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(due)


def _claim_free() -> Q:
    stale = timezone.now() - datetime.timedelta(seconds=settings.MAIL_CLAIM_LEASE_SECONDS)
    return Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)


def pending_ids() -> list[int]:
    return list(
        Reminder.objects.filter(state=Reminder.State.PENDING).filter(_claim_free()).order_by("pk").values_list("pk", flat=True)
    )


def _message(reminder: Reminder, today: datetime.date) -> tuple[str, dict]:
    step = reminder.step
    params = {
        "label": step.label, "code": step.proposal.code or "", "title": step.proposal.title,
        "due": reminder.due_on.strftime("%d/%m/%Y"),
    }
    if reminder.kind == Reminder.Kind.ESCALATE:
        return ESCALATE, {**params, "unit": step.unit.name}
    days = workdays.working_days_between(today, reminder.due_on)
    if days <= 0:
        return REMIND_ON_DAY, params
    return REMIND_BEFORE, {**params, "days": days}


def _finish(reminder_id: int, token: str, **fields) -> int:
    return Reminder.objects.filter(pk=reminder_id, claim=token).update(claim="", claimed_at=None, **fields)


def reminder_deliver(*, reminder_id: int, today: datetime.date) -> bool:
    """Deliver one ledger row: the in-app notification and, for those who want it at once, the e-mail (the
    digest carries it otherwise); an outside contact gets the e-mail only. True when this call delivered it.

    A row whose step was done meanwhile, or a "before the date" reminder that comes after the date, is skipped.
    """
    token = uuid.uuid4().hex
    claimed = (
        Reminder.objects.filter(pk=reminder_id, state=Reminder.State.PENDING)
        .filter(_claim_free())
        .update(claim=token, claimed_at=timezone.now(), attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    reminder = Reminder.objects.select_related("step__proposal", "step__unit", "recipient").get(pk=reminder_id)
    step = reminder.step
    if step.closed_at is not None or step.due_on != reminder.due_on or (
        reminder.kind == Reminder.Kind.REMIND and reminder.due_on < today
    ):
        _finish(reminder_id, token, state=Reminder.State.SKIPPED)
        return False
    message, params = _message(reminder, today)
    url = reverse("proposals:detail", args=[step.proposal_id])
    try:
        if reminder.recipient_id is not None:
            with transaction.atomic():
                row = Reminder.objects.select_for_update().filter(pk=reminder_id, claim=token).first()
                if row is None:
                    return False  # the claim expired and another worker took the row over
                if row.notification_id is None:
                    row.notification = notification_create(
                        recipient=reminder.recipient, message=message, params=params, url=url
                    )
                    row.save(update_fields=["notification"])
            notification_email_send(notification_id=row.notification_id)
        else:
            with translation.override(settings.LANGUAGE_CODE):
                text = translation.gettext(message) % params
            mail.mail_send(
                to=reminder.email, template="notification",
                context={"recipient_name": reminder.recipient_name, "item": {
                    "text": text, "code": params["code"], "title": params["title"], "link": mail.absolute_url(url),
                }},
            )
    except Exception as error:
        _finish(reminder_id, token, last_error=f"{type(error).__name__}: {error}"[:300])
        raise
    return _finish(reminder_id, token, state=Reminder.State.SENT, sent_at=timezone.now(), last_error="") == 1


def reminders_deliver_pending(*, today: datetime.date, pause: float = 0.0) -> tuple[int, int]:
    """Deliver every pending row that nobody holds, oldest first; (sent, failed). `pause` seconds between two
    sends, for mail servers that limit the rate. A failed row stays pending for the next run."""
    sent = failed = 0
    for reminder_id in pending_ids():
        try:
            delivered = reminder_deliver(reminder_id=reminder_id, today=today)
        except Exception:
            failed += 1
            logger.exception("Reminder %s could not be delivered; it stays pending.", reminder_id)
            continue
        sent += delivered
        if delivered and pause:
            time.sleep(pause)
    return sent, failed


def reminders_scan(*, today: datetime.date, pause: float = 0.0) -> dict:
    """The daily scan: plan what is due today, then deliver everything pending."""
    due = reminders_plan(today=today)
    sent, failed = reminders_deliver_pending(today=today, pause=pause)
    logger.info("Deadline scan %s: %s due, %s sent, %s failed.", today.isoformat(), due, sent, failed)
    return {"day": today.isoformat(), "due": due, "sent": sent, "failed": failed}
