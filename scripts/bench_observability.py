"""The cost of ObservabilityMiddleware per request (issue 14 §5; `make bench SECTIONS=observability`).

Two figures, log lines in the production format (JSON) written to /dev/null as a log collector would take them:
- the middleware alone around a view that does nothing: what it adds to every request (request id, two clock
  reads, one histogram observation, one JSON log line);
- the login page through the whole stack, with the middleware and without it, interleaved rounds, medians.
Both in this process's CPU time (time.process_time), which other jobs on a shared machine disturb far less than
the wall clock.
"""

import logging
import os
import statistics
import time

ROUNDS = int(os.environ.get("BENCH_OBSERVABILITY_ROUNDS", "7"))
REQUESTS = int(os.environ.get("BENCH_OBSERVABILITY_REQUESTS", "200"))
MIDDLEWARE_NAME = "core.observability.middleware.ObservabilityMiddleware"


def _json_logs_to_devnull():
    from core.observability import logs

    sink = open(os.devnull, "w")  # noqa: SIM115 - kept open for the whole section
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logs.json_formatter())
    handler.addFilter(logs.RequestIdFilter())
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    return root, saved


def run(bench) -> None:
    from django.conf import settings
    from django.http import HttpResponse
    from django.test import Client, RequestFactory, override_settings

    from core.observability.middleware import ObservabilityMiddleware

    root, (handlers, level) = _json_logs_to_devnull()
    try:
        empty = ObservabilityMiddleware(lambda request: HttpResponse())
        request = RequestFactory().get("/floor/")
        calls = 20_000
        start = time.process_time()
        for _ in range(calls):
            empty(request)
        alone = (time.process_time() - start) / calls
        bench.row("ObservabilityMiddleware alone (empty view, JSON log line), CPU", f"{alone * 1e6:9.1f} µs")

        without = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE_NAME]
        clients = {"with": Client(), "without": None}
        with override_settings(MIDDLEWARE=without):
            clients["without"] = Client()
            clients["without"].get("/tai-khoan/dang-nhap/")  # the handler is built with the settings of its 1st call
        clients["with"].get("/tai-khoan/dang-nhap/")
        times = {"with": [], "without": []}
        for _ in range(ROUNDS):
            for label, client in clients.items():
                start = time.process_time()
                for _ in range(REQUESTS):
                    client.get("/tai-khoan/dang-nhap/")
                times[label].append((time.process_time() - start) / REQUESTS)
        with_s, without_s = statistics.median(times["with"]), statistics.median(times["without"])
        bench.row("login page, without the middleware (CPU, median of rounds)", bench.ms(without_s))
        bench.row("login page, with it", bench.ms(with_s))
        bench.row("  difference", f"{(with_s - without_s) * 1e6:9.1f} µs ({(with_s / without_s - 1) * 100:+.1f} %)")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
