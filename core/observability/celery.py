"""Celery's side of observability, connected when config/celery.py imports this module (web and worker alike).

- before_task_publish: a task enqueued while a request (or another task) is served carries its request id in the
  message headers (`request_id`), whether it goes through the broker or runs eagerly.
- task_prerun / task_postrun: the worker sets that id (and the task's id and name) for the task's log lines, and
  records the task's duration by name and final state; task_failure counts failures.
- after_setup_logger / after_setup_task_logger: Celery installs its own handlers in the worker; they get the
  LOG_FORMAT formatter and the request-id filter, so a worker's lines are JSON like the web's.
- worker_ready: with CELERY_METRICS_PORT, the worker's main process serves its metrics (the task histograms, which
  its pool processes write under PROMETHEUS_MULTIPROC_DIR) for Prometheus to scrape.
"""

import logging
import os
import time

from celery import signals
from django.conf import settings

# Not `metrics`: this module is imported with config/celery.py, before the settings have read .env, and
# prometheus_client decides on multiprocess mode when it is first imported; the handlers import it when they run.
from . import logs, request_id

logger = logging.getLogger(__name__)

HEADER = "request_id"

# task id -> (start time, the context-variable tokens to restore): a task's prerun and postrun run in one thread.
_running: dict[str, tuple[float, object, object]] = {}


@signals.before_task_publish.connect(weak=False, dispatch_uid="observability.request_id_header")
def _carry_request_id(headers=None, **kwargs):
    rid = request_id.current.get()
    if rid is not None and headers is not None:
        headers.setdefault(HEADER, rid)


def _request_id_of(task) -> str | None:
    """The id the message carried: a custom header is an attribute of the task's request in the worker, and sits in
    `request.headers` when the task is applied locally with headers."""
    context = task.request
    rid = getattr(context, HEADER, None) or (getattr(context, "headers", None) or {}).get(HEADER)
    # An eager task inherits the id of the request it runs in.
    return request_id.accepted(rid) or request_id.current.get()


@signals.task_prerun.connect(weak=False, dispatch_uid="observability.task_prerun")
def _task_started(task_id=None, task=None, **kwargs):
    rid_token = request_id.current.set(_request_id_of(task))
    task_token = request_id.current_task.set((task_id, task.name))
    _running[task_id] = (time.perf_counter(), rid_token, task_token)


@signals.task_postrun.connect(weak=False, dispatch_uid="observability.task_postrun")
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _running.pop(task_id, None)
    if started is None:
        return
    from . import metrics

    began, rid_token, task_token = started
    metrics.TASK_DURATION.labels(task.name, state or "UNKNOWN").observe(time.perf_counter() - began)
    request_id.current_task.reset(task_token)
    request_id.current.reset(rid_token)


@signals.task_failure.connect(weak=False, dispatch_uid="observability.task_failure")
def _task_failed(sender=None, **kwargs):
    from . import metrics

    metrics.TASK_FAILURES.labels(getattr(sender, "name", "unknown")).inc()


def _format_handlers(logger=None, **kwargs):
    if logger is None:
        return
    formatter = logs.formatter(settings.LOG_FORMAT)
    for handler in logger.handlers:
        if settings.LOG_FORMAT == "json":
            handler.setFormatter(formatter)
        if not any(isinstance(f, logs.RequestIdFilter) for f in handler.filters):
            handler.addFilter(logs.RequestIdFilter())


signals.after_setup_logger.connect(_format_handlers, weak=False, dispatch_uid="observability.worker_logs")
signals.after_setup_task_logger.connect(_format_handlers, weak=False, dispatch_uid="observability.task_logs")


@signals.worker_ready.connect(weak=False, dispatch_uid="observability.worker_metrics")
def _serve_worker_metrics(**kwargs):
    """Returns the server (the tests stop it; a worker keeps it until it exits)."""
    port = settings.CELERY_METRICS_PORT
    if not port:
        return None
    from prometheus_client import start_http_server

    from . import metrics

    server, _thread = start_http_server(port, addr=settings.CELERY_METRICS_ADDRESS, registry=metrics.scrape_registry(scrape_time=False))
    logger.info("worker metrics on %s:%s", settings.CELERY_METRICS_ADDRESS, port)
    return server


@signals.worker_process_shutdown.connect(weak=False, dispatch_uid="observability.worker_process_dead")
def _pool_process_exits(pid=None, **kwargs):
    """A pool process that exits (max-tasks-per-child, shutdown) leaves its gauge files to be cleaned up."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
