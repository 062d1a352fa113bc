"""Periodic housekeeping and e-mail jobs; thin wrappers over the modules that do the work."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import audit, notifications, workdays

logger = logging.getLogger(__name__)


@shared_task
def verify_audit_chain() -> dict:
    """Nightly: recompute the evidence chain so that tampering is noticed within a day."""
    checked, broken = audit.verify_chain()
    if broken:
        logger.error("Audit chain broken at #%s: %s", broken.seq, broken.reason)
        return {"checked": checked, "broken_at": broken.seq, "reason": broken.reason}
    return {"checked": checked, "broken_at": None}


@shared_task
def extend_calendar() -> int:
    """Weekly (beat: Mondays): keep the seeded public holidays ahead of the deadlines that will be computed.

    Idempotent, so running it every week costs nothing and a missed run is caught up the next week.
    """
    return workdays.seed_years(timezone.localdate().year, timezone.localdate().year + settings.WORKCAL_SEED_YEARS_AHEAD)


# --- E-mail of notifications (spec README §5) ------------------------------------------------------------------
# Each task takes ids and is idempotent: sending claims the notification first (core.notifications), so a task
# run twice, redelivered after its worker died (acks_late), or run by two workers at once sends one mail.
# SMTP errors are retried with a growing delay; the notification stays pending meanwhile.

SMTP_RETRY = {"autoretry_for": (OSError,), "retry_backoff": 60, "retry_backoff_max": 3600, "max_retries": 8}


@shared_task(**SMTP_RETRY)
def email_notification(notification_id: int) -> bool:
    """E-mail one notification at once (enqueued by `notify` after the commit)."""
    return notifications.notification_email_send(notification_id=notification_id)


@shared_task
def email_pending_notifications() -> int:
    """Every few minutes (beat): e-mail what should have gone at once but did not (a broker outage at commit
    time, a task lost). Rows are claimed one by one, so it never doubles a task still running."""
    sent = 0
    for notification_id in notifications.pending_immediate_ids(older_than=datetime.timedelta(minutes=2)):
        try:
            sent += notifications.notification_email_send(notification_id=notification_id)
        except OSError:
            logger.exception("E-mail of notification %s failed; it stays pending.", notification_id)
    return sent


@shared_task
def send_digests() -> int:
    """Daily (beat, after the deadline scan): one digest task per person who has something waiting for it."""
    people = notifications.digest_recipients()
    day = timezone.localdate().isoformat()
    for user_id in people:
        send_digest.delay(user_id, day)
    return len(people)


@shared_task(**SMTP_RETRY)
def send_digest(user_id: int, day: str) -> int:
    """One person's daily digest; nothing is sent when nothing waits (an empty digest is never sent)."""
    return notifications.digest_send(user_id=user_id, day=datetime.date.fromisoformat(day))
