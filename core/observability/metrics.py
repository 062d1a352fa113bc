"""Prometheus metrics through prometheus_client (issue 14 §5).

Recorded as things happen: the request latency histogram (ObservabilityMiddleware), task durations and failures
(core.observability.celery). Computed at scrape: the Celery queue depths (here) and whatever apps register with
`register_scrape_collector` in their AppConfig.ready() (reminders: the overdue steps), so that core reads no stage's
tables. Under gunicorn with several workers, PROMETHEUS_MULTIPROC_DIR (an environment variable, read by
prometheus_client when it is imported) puts prometheus_client in multiprocess mode: each worker writes its samples
to files there, and a scrape of any worker adds them up (deploy/gunicorn.conf.py clears the folder at start and
marks workers that exit).

/metrics is not public: REMOTE_ADDR must lie in METRICS_ALLOWED_IPS, on a request that no proxy forwarded, or the
request must carry `Authorization: Bearer <METRICS_BEARER_TOKEN>`; anyone else gets a plain 404.
"""

import hmac
import ipaddress
import logging
import os
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from .broker import is_redis, redis_client

logger = logging.getLogger(__name__)

NAMESPACE = "decree73"
# No `_created` series beside each counter and histogram: they double a scrape for nothing Prometheus needs.
disable_created_metrics()

REQUEST_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from the first middleware to the response (a streamed body not included), by route name, method and status.",
    ["view", "method", "status"],
    namespace=NAMESPACE,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
TASK_DURATION = Histogram(
    "celery_task_duration_seconds",
    "Run time of a Celery task in the worker, by task name and final state (SUCCESS, FAILURE, RETRY...).",
    ["task", "state"],
    namespace=NAMESPACE,
    buckets=(0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600),
)
TASK_FAILURES = Counter(
    "celery_task_failures", "Celery tasks that raised, by task name.", ["task"], namespace=NAMESPACE,
)

# --- Collected at scrape --------------------------------------------------------------------------------------

_scrape_collectors: list[Callable[[], Iterable[Metric]]] = []


def register_scrape_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """Adds a function computing metric families at each scrape (an app's AppConfig.ready() calls this). It must
    be cheap or cache its answer (the overdue steps are cached for a minute); an exception is logged and the
    family left out of that scrape, never a failed scrape."""
    if collect not in _scrape_collectors:
        _scrape_collectors.append(collect)


def queue_names() -> list[str]:
    """The queues to measure: METRICS_QUEUES if set, else the app's default queue, its declared queues and the
    queues its routes name."""
    if settings.METRICS_QUEUES:
        return list(settings.METRICS_QUEUES)
    from config.celery import app

    names = [app.conf.task_default_queue]
    names += [queue.name for queue in app.conf.task_queues or ()]
    routes = app.conf.task_routes
    if isinstance(routes, dict):
        names += [route["queue"] for route in routes.values() if isinstance(route, dict) and "queue" in route]
    return list(dict.fromkeys(names))[: settings.METRICS_MAX_QUEUES]


def queue_depths(names: list[str]) -> dict[str, int]:
    """Messages waiting in each queue. Redis: LLEN of the queue's list and its priority lists (kombu keeps a list
    per priority step), one pipelined round trip bounded by READYZ_TIMEOUT_SECONDS; the filesystem broker: its
    files, counted up to 100,000."""
    url = settings.CELERY_BROKER_URL
    if is_redis(url):
        from kombu.transport.redis import Channel

        prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
        pipe = redis_client(url, settings.READYZ_TIMEOUT_SECONDS).pipeline(transaction=False)
        for name in names:
            for step in (0, 3, 6, 9):  # kombu's PRIORITY_STEPS
                pipe.llen(f"{prefix}{name}{Channel.sep}{step}" if step else f"{prefix}{name}")
        lengths = pipe.execute()
        return {name: sum(lengths[i * 4:(i + 1) * 4]) for i, name in enumerate(names)}
    if url.startswith("filesystem://"):
        counts = dict.fromkeys(names, 0)
        with os.scandir(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]) as entries:
            for seen, entry in enumerate(entries):
                if seen >= 100_000:
                    break
                queue = entry.name.rsplit(".", 2)[-2] if entry.name.endswith(".msg") else None
                if queue in counts:
                    counts[queue] += 1
        return counts
    return {}


def collect_queue_depths() -> Iterable[Metric]:
    family = GaugeMetricFamily(f"{NAMESPACE}_celery_queue_length", "Messages waiting in a Celery queue.",
                               labels=["queue"])
    for queue, depth in queue_depths(queue_names()).items():
        family.add_metric([queue], depth)
    yield family


register_scrape_collector(collect_queue_depths)


class _ScrapeTime:
    """What a scrape adds to the recorded metrics: each registered collector, failures left out and logged."""

    def collect(self) -> Iterable[Metric]:
        for collect in _scrape_collectors:
            try:
                families = list(collect())
            except Exception:  # noqa: BLE001 - one failing source must not hide the other metrics
                logger.exception("metrics collector %s failed", getattr(collect, "__name__", collect))
                continue
            yield from families


def scrape_registry(*, scrape_time: bool = True) -> CollectorRegistry:
    """The recorded metrics (the shared files in multiprocess mode, else this process's registry) and, unless
    `scrape_time` is False (a worker's endpoint: the web nodes report those), the scrape-time ones."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_Recorded())
    if scrape_time:
        registry.register(_ScrapeTime())
    return registry


class _Recorded:
    def collect(self) -> Iterable[Metric]:
        yield from REGISTRY.collect()


# --- Who may scrape -------------------------------------------------------------------------------------------

_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def scrape_allowed(request) -> bool:
    token = settings.METRICS_BEARER_TOKEN
    if token:
        scheme, _space, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode()):
            return True
    # A forwarded request's REMOTE_ADDR is the proxy's (often loopback): only the token lets it in.
    if any(header in request.META for header in _PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:  # a dual-stack listener sees ::ffff:127.0.0.1
        address = address.ipv4_mapped
    return any(address in network for network in settings.METRICS_ALLOWED_NETWORKS)


def metrics_view(request) -> HttpResponse:
    if not scrape_allowed(request):
        return HttpResponseNotFound(b"", content_type="text/plain")
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST,
                        headers={"Cache-Control": "no-store"})
