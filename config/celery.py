"""The Celery app. Tasks live in each app's tasks.py; beat's schedule is kept in the database.

How tasks are written here (style.md §9): thin, taking ids (never model instances), idempotent, and enqueued
only once the transaction that causes them has committed (`delay_on_commit`, or `.delay()` inside an
`on_commit` callback): a task enqueued in a transaction that rolls back never runs. Workers acknowledge late
(`CELERY_TASK_ACKS_LATE`), so a task whose worker dies runs again; the idempotence is what makes that safe.
Settings: the CELERY_* names of config/settings.py (Redis when REDIS_URL is set, kombu's filesystem broker
otherwise, so that `make run` needs no service).
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("decree73")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _worker_statement_timeout(**kwargs):
    """Tasks may run longer than a web request: WORKER_STATEMENT_TIMEOUT, not the web's (issue 11 §6)."""
    from django.conf import settings

    from core.statement_timeout import worker_statement_timeout

    worker_statement_timeout(settings.WORKER_STATEMENT_TIMEOUT)


# Issue 14 §5: the request id in task headers and log lines, task durations and failures, the worker's log format.
from core.observability import celery as _observability  # noqa: E402, F401  (connects its signal handlers)
