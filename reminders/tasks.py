"""The daily deadline scan (beat: `REMINDER_SCAN_HOUR`:`REMINDER_SCAN_MINUTE`, default 07:00 Hà Nội time)."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(bind=True, max_retries=12)
def scan_deadlines(self, on_date: str | None = None) -> dict:
    """Plan and deliver today's reminders and escalations. Idempotent (the ledger), so beat firing twice, a retry
    or a redelivery after a killed worker (acks_late) sends nothing twice. Failed deliveries stay pending and
    the scan is retried every five minutes for an hour."""
    today = datetime.date.fromisoformat(on_date) if on_date else timezone.localdate()
    result = services.reminders_scan(today=today, pause=settings.REMINDER_SEND_PAUSE_SECONDS)
    if result["failed"]:
        raise self.retry(args=[today.isoformat()], countdown=300)
    return result
