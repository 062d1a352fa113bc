"""Reports made by Celery: a version of an annual report (ordered in the browser), and the internal quarterly
reports (beat, the first day of each quarter, for the quarter before)."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services
from .periods import previous_quarter


@shared_task(acks_late=True)
def produce_report(run_id: int) -> str:
    """Idempotent: a run already done is left alone; one interrupted (a killed worker) is made again."""
    run = services.produce_run(run_id)
    return run.state if run else "skipped"


@shared_task(acks_late=True)
def produce_quarterly_reports(on_date: str | None = None) -> int:
    today = datetime.date.fromisoformat(on_date) if on_date else timezone.localdate()
    year, quarter = previous_quarter(today)
    return services.produce_quarterly_reports(year=year, quarter=quarter, today=today)
