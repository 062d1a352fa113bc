"""/healthz and /readyz (issue 14 §5), answered by ObservabilityMiddleware before anything else runs.

/healthz says the process serves requests: no database, no session, nothing to wait for. /readyz says this node
can do its work: the database, the Celery broker and the document store each answer within READYZ_TIMEOUT_SECONDS.
The checks run at once, each in a thread of its own, and the answer waits at most that long: a hung NFS mount or a
silent Redis makes the node "not ready" (503), not a request stuck in a web worker. A check still hung from an
earlier probe is waited for again, never started twice, so a dead dependency cannot pile up threads.
The body names each check with ok, its time and, on failure, the error's class only (the log has the message):
the balancer's probes are not signed in.
"""

import copy
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.http import HttpResponse

from core.document_store import document_store_ready

from .broker import broker_ready

logger = logging.getLogger(__name__)


def database_ready(timeout: float) -> tuple[bool, str]:
    """SELECT 1 on a connection of its own, opened with a connect timeout and closed after: the request's own
    connection is left alone, and a database that stopped accepting connections is seen as such."""
    settings_dict = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = max(1, round(timeout))
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        wrapper.close()
    return True, ""


CHECKS: dict[str, Callable[[float], tuple[bool, str]]] = {
    "database": database_ready,
    "broker": broker_ready,
    "document_store": document_store_ready,
}

_executors = {name: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"readyz-{name}") for name in CHECKS}
_in_flight: dict[str, Future] = {}
_lock = threading.Lock()


def _timed(check: Callable[[float], tuple[bool, str]], timeout: float) -> tuple[bool, str, float]:
    started = time.perf_counter()
    try:
        ok, detail = check(timeout)
    except Exception as error:  # noqa: BLE001 - any failure is "not ready", named by its class
        logger.warning("readiness check failed: %r", error)
        ok, detail = False, type(error).__name__
    return ok, detail, (time.perf_counter() - started) * 1000


def run_checks(timeout: float) -> dict[str, dict]:
    with _lock:
        for name, check in CHECKS.items():
            if name not in _in_flight or _in_flight[name].done():
                _in_flight[name] = _executors[name].submit(_timed, check, timeout)
        futures = dict(_in_flight)
    deadline = time.monotonic() + timeout
    results = {}
    for name, future in futures.items():
        try:
            ok, detail, ms = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            ok, detail, ms = False, "timeout", timeout * 1000
        results[name] = {"ok": ok, "ms": round(ms, 1)} | ({} if ok else {"error": detail})
    return results


def _json(body: dict, status: int) -> HttpResponse:
    # Never cached by a proxy: a stale "ok" would keep a dead node in the pool.
    return HttpResponse(json.dumps(body), status=status, content_type="application/json",
                        headers={"Cache-Control": "no-store"})


def healthz(request) -> HttpResponse:
    return _json({"status": "ok"}, 200)


def readyz(request) -> HttpResponse:
    checks = run_checks(settings.READYZ_TIMEOUT_SECONDS)
    ready = all(check["ok"] for check in checks.values())
    if not ready:
        logger.warning("not ready: %s", ", ".join(name for name, check in checks.items() if not check["ok"]),
                       extra={"checks": checks})
    return _json({"status": "ok" if ready else "fail", "checks": checks}, 200 if ready else 503)
