"""Periodic housekeeping jobs; thin wrappers over the modules that do the work."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import audit, workdays

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
