"""Operations (issue 14 §5): /healthz and /readyz, the request id in JSON logs and Celery tasks, /metrics."""

import datetime
import io
import json
import logging
import threading
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app
from core.observability import health, logs, request_id
from core.observability import metrics as observability_metrics
from proposals.steps import step_open
from reminders.metrics import OVERDUE_CACHE_KEY

task_logger = logging.getLogger("tests.observability.task")


@app.task(name="tests.observability.echo")
def echo():
    task_logger.info("echo ran")
    return request_id.current.get()


@app.task(name="tests.observability.fails")
def fails():
    raise ValueError("planned")


def enqueue(request):
    """A view that enqueues a task, as a service does after its commit."""
    queue = request.GET.get("queue")
    if queue:
        echo.apply_async(queue=queue)
    else:
        echo.delay()
    return HttpResponse("ok")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("enqueue/", enqueue, name="enqueue"), path("broken/", broken, name="broken")]


@pytest.fixture
def captured():
    """The lines the app's JSON formatter writes for the request and task loggers (the console handler of
    config/settings.py, with its request-id filter, pointed at a buffer)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logs.json_formatter())
    handler.addFilter(logs.RequestIdFilter())
    loggers = [logging.getLogger("decree73.request"), task_logger]
    previous = [(each, each.level) for each in loggers]
    for each in loggers:
        each.addHandler(handler)
        each.setLevel(logging.INFO)

    def lines():
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield lines
    for each, level in previous:
        each.removeHandler(handler)
        each.setLevel(level)


def scrape(client, **extra) -> dict[tuple[str, tuple], float]:
    """/metrics as {(sample name, sorted labels): value}."""
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def sample(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- /healthz and /readyz -----------------------------------------------------------------------------------


def test_healthz_answers_without_the_database_a_session_or_a_cache(client):
    # No `db` fixture: any query would raise here.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_the_probes_pass_the_https_redirect_and_the_host_check_the_pages_are_held_to(client, settings):
    # The balancer probes each node over plain HTTP at its own address, which no ALLOWED_HOSTS entry names.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["decree73.example.gov.vn"]

    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/tai-khoan/dang-nhap/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get("/tai-khoan/dang-nhap/", HTTP_HOST="decree73.example.gov.vn").status_code == 301


def test_readyz_names_each_check_and_answers_200_when_all_pass(client, db):
    response = client.get("/readyz")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "document_store"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_answers_503_naming_the_failed_check_by_its_error_class_only(client, db, monkeypatch):
    def broker_down(timeout):
        raise ConnectionError("Error 111 connecting to redis.internal:6379")

    monkeypatch.setitem(health.CHECKS, "broker", broker_down)

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"] == {"ok": False, "ms": body["checks"]["broker"]["ms"], "error": "ConnectionError"}
    assert body["checks"]["database"]["ok"] and body["checks"]["document_store"]["ok"]
    assert b"redis.internal" not in response.content


def test_a_hung_check_makes_readyz_fail_within_its_timeout_and_is_not_started_twice(client, db, settings, monkeypatch):
    settings.READYZ_TIMEOUT_SECONDS = 0.3
    release, calls = threading.Event(), []

    def hung(timeout):
        calls.append(1)
        release.wait(10)
        return True, ""

    monkeypatch.setitem(health.CHECKS, "document_store", hung)
    try:
        started = time.monotonic()
        first = client.get("/readyz")
        second = client.get("/readyz")
        elapsed = time.monotonic() - started
    finally:
        release.set()

    assert first.status_code == second.status_code == 503
    assert first.json()["checks"]["document_store"]["error"] == "timeout"
    assert first.json()["checks"]["database"]["ok"]
    assert elapsed < 2, elapsed
    assert calls == [1]  # the second probe waited for the hung one instead of starting another


def test_the_document_store_check_writes_reads_and_deletes_a_probe(settings, tmp_path):
    from core.document_store import document_store_ready

    settings.MEDIA_ROOT = tmp_path

    assert document_store_ready()[0]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []

    # A store that cannot be written (a file where its folder should be; permissions would not stop root).
    (tmp_path / "gone").write_text("")
    settings.MEDIA_ROOT = tmp_path / "gone"
    ok, why = document_store_ready()
    assert not ok and why in {"filesystem: FileExistsError", "filesystem: NotADirectoryError"}


# --- Request ids and the JSON access log --------------------------------------------------------------------


def test_a_request_gets_a_generated_id_returned_in_its_response(client):
    response = client.get("/tai-khoan/dang-nhap/")

    assert len(response.headers["X-Request-ID"]) == 32
    assert response.headers["X-Request-ID"] != client.get("/tai-khoan/dang-nhap/").headers["X-Request-ID"]


@pytest.mark.parametrize(("given", "kept"), [
    ("5f0c2a7e9b1d4e6f8a3c2b1d0e9f8a7b", True),  # nginx's $request_id
    ("7F000001:D2B4_7F000001:1F90_6751A2C3_0001:2F1A", True),  # an HAProxy unique-id
    ("x" * 129, False),
    ("id with spaces", False),
    ('"}{"injected": 1', False),
    ("", False),
])
def test_the_balancers_request_id_is_kept_only_when_well_formed(client, given, kept):
    returned = client.get("/tai-khoan/dang-nhap/", HTTP_X_REQUEST_ID=given).headers["X-Request-ID"]

    assert (returned == given) is kept
    assert request_id.VALID.fullmatch(returned)


def test_the_request_id_header_is_ignored_when_not_trusted(client, settings):
    settings.REQUEST_ID_TRUST_HEADER = False

    assert client.get("/tai-khoan/dang-nhap/", HTTP_X_REQUEST_ID="from-the-client").headers["X-Request-ID"] != (
        "from-the-client"
    )


def test_a_requests_log_line_is_json_with_its_id_view_status_and_duration(client, captured):
    client.get("/tai-khoan/dang-nhap/?q=secret", HTTP_X_REQUEST_ID="req-0001")

    [line] = [entry for entry in captured() if entry["logger"] == "decree73.request"]
    assert line["request_id"] == "req-0001"
    assert line["view"] == "accounts:login"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/tai-khoan/dang-nhap/", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["level"] == "INFO" and line["timestamp"]
    assert "secret" not in json.dumps(line)  # the query string stays out of the log


def test_the_text_format_shows_the_request_id_or_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    logs.RequestIdFilter().filter(record)
    assert "[-] x: hello" in logs.text_formatter().format(record)

    token = request_id.current.set("abc123")
    try:
        logs.RequestIdFilter().filter(record)
    finally:
        request_id.current.reset(token)
    assert "[abc123] x: hello" in logs.text_formatter().format(record)


def test_a_task_enqueued_during_a_request_logs_that_requests_id_when_run_eagerly(client, settings, captured,
                                                                                 celery_eager):
    settings.ROOT_URLCONF = __name__

    client.get("/enqueue/", HTTP_X_REQUEST_ID="req-eager-1")

    lines = captured()
    task_line = next(entry for entry in lines if entry["message"] == "echo ran")
    assert task_line["request_id"] == "req-eager-1"
    assert task_line["task_name"] == "tests.observability.echo"
    assert request_id.current.get() is None  # nothing leaks past the request


def test_the_request_id_rides_in_the_published_task_headers(client, settings, monkeypatch):
    from kombu.messaging import Producer

    settings.ROOT_URLCONF = __name__
    published = []
    # What would reach the broker, kept here instead.
    monkeypatch.setattr(Producer, "publish", lambda self, body, **options: published.append(options["headers"]))

    client.get("/enqueue/", HTTP_X_REQUEST_ID="req-publish-1")
    echo.delay()  # outside any request: no id to carry

    assert published[0]["request_id"] == "req-publish-1"
    assert "request_id" not in published[1]


@pytest.fixture
def worker_queue():
    """A queue of this test's own on the shared Redis, its keys removed after."""
    queue = f"test-{uuid.uuid4().hex}"
    yield queue
    prefix = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    redis.Redis.from_url(django_settings.REDIS_URL).delete(
        *(f"{prefix}{key}" for key in (queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"))
    )


@pytest.mark.redis
def test_a_real_worker_logs_the_enqueuing_requests_id_and_records_the_tasks_duration(settings, worker_queue,
                                                                                      captured):
    from django.test import Client

    settings.ROOT_URLCONF = __name__
    before = sample(scrape(Client()), "decree73_celery_task_duration_seconds_count",
                    task="tests.observability.echo", state="SUCCESS")

    with start_worker(app, perform_ping_check=False, pool="solo", queues=[worker_queue], shutdown_timeout=30):
        Client().get(f"/enqueue/?queue={worker_queue}", HTTP_X_REQUEST_ID="req-worker-1")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(e["message"] == "echo ran" for e in captured()):
            time.sleep(0.05)
    connections.close_all()

    task_line = next(entry for entry in captured() if entry["message"] == "echo ran")
    assert task_line["request_id"] == "req-worker-1"
    assert task_line["task_name"] == "tests.observability.echo"
    after = sample(scrape(Client()), "decree73_celery_task_duration_seconds_count",
                   task="tests.observability.echo", state="SUCCESS")
    assert after == before + 1


# --- /metrics ----------------------------------------------------------------------------------------------


def test_a_scrape_after_a_request_shows_that_views_latency(client):
    labels = {"view": "accounts:login", "method": "GET", "status": "200"}
    before = sample(scrape(client), "decree73_http_request_duration_seconds_count", **labels)

    client.get("/tai-khoan/dang-nhap/")
    samples = scrape(client)

    assert sample(samples, "decree73_http_request_duration_seconds_count", **labels) == before + 1
    assert sample(samples, "decree73_http_request_duration_seconds_bucket", **labels, le="+Inf") == before + 1


def test_probes_and_scrapes_are_neither_counted_nor_logged(client, captured):
    def requests_counted():
        return sum(value for (name, _labels), value in scrape(client).items()
                   if name == "decree73_http_request_duration_seconds_count")

    before = requests_counted()
    client.get("/healthz")
    client.get("/metrics")

    assert requests_counted() == before
    assert [entry for entry in captured() if entry["logger"] == "decree73.request"] == []


def test_an_unknown_path_is_counted_under_one_label_not_its_own(client):
    client.get(f"/no-such-page-{uuid.uuid4().hex}/")

    samples = scrape(client)

    assert sample(samples, "decree73_http_request_duration_seconds_count",
                  view="<unmatched>", method="GET", status="404") >= 1
    assert not [key for key in samples if any("no-such-page" in value for _label, value in key[1])]


def test_a_task_run_records_its_duration_and_a_failure_is_counted(client):
    before = scrape(client)

    echo.apply()
    fails.apply()
    after = scrape(client)

    name = "decree73_celery_task_duration_seconds_count"
    assert sample(after, name, task="tests.observability.echo", state="SUCCESS") == (
        sample(before, name, task="tests.observability.echo", state="SUCCESS") + 1
    )
    assert sample(after, name, task="tests.observability.fails", state="FAILURE") == (
        sample(before, name, task="tests.observability.fails", state="FAILURE") + 1
    )
    failures = "decree73_celery_task_failures_total"
    assert sample(after, failures, task="tests.observability.fails") == (
        sample(before, failures, task="tests.observability.fails") + 1
    )


@pytest.mark.redis
def test_queue_depth_counts_the_messages_waiting_in_redis(client, settings, worker_queue):
    settings.METRICS_QUEUES = [worker_queue, "celery"]
    for _ in range(3):
        echo.apply_async(queue=worker_queue)
    echo.apply_async(queue=worker_queue, priority=6)  # kombu keeps another list per priority step

    samples = scrape(client)

    assert sample(samples, "decree73_celery_queue_length", queue=worker_queue) == 4
    prefix = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    redis.Redis.from_url(django_settings.REDIS_URL).delete(f"{prefix}{worker_queue}\x06\x166")


def test_queue_depth_counts_the_filesystem_brokers_messages(settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    for name in ("1_a.celery.msg", "2_b.celery.msg", "3_c.reports.msg", "notes.txt"):
        (tmp_path / name).write_text("{}")

    assert observability_metrics.queue_depths(["celery", "reports", "documents"]) == {
        "celery": 2, "reports": 1, "documents": 0,
    }


def test_the_overdue_steps_gauge_counts_open_overdue_steps_by_kind_cached_for_a_minute(client, submitted,
                                                                                       department):
    cache.delete(OVERDUE_CACHE_KEY)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    step_open(proposal=submitted, kind="evaluation", label="Họp đánh giá", due_on=yesterday, unit=department)

    samples = scrape(client)

    # The review step of the submission is due in seven working days: not overdue.
    assert sample(samples, "decree73_overdue_steps", kind="evaluation") == 1
    assert ("decree73_overdue_steps", (("kind", "review"),)) not in samples

    step_open(proposal=submitted, kind="conclusion", label="Kết luận", due_on=yesterday, unit=department)
    assert sample(scrape(client), "decree73_overdue_steps", kind="conclusion") == 0  # still the cached answer
    cache.delete(OVERDUE_CACHE_KEY)
    assert sample(scrape(client), "decree73_overdue_steps", kind="conclusion") == 1


def test_a_failing_collector_leaves_the_others_in_the_scrape(client, monkeypatch):
    def broken():
        raise RuntimeError("redis gone")
        yield

    monkeypatch.setattr(observability_metrics, "_scrape_collectors", [broken, observability_metrics.collect_queue_depths])

    assert any(key[0] == "decree73_celery_queue_length" for key in scrape(client))


@pytest.mark.parametrize("extra", [
    {"REMOTE_ADDR": "203.0.113.9"},
    # Through a proxy on the same machine: REMOTE_ADDR is loopback, the client is not.
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
    {"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer wrong-token-wrong-token-wrong-token"},
])
def test_a_client_not_allowed_to_scrape_gets_404(client, settings, extra):
    settings.METRICS_BEARER_TOKEN = "s3cret-token-for-prometheus-0123456789"

    response = client.get("/metrics", **extra)

    assert response.status_code == 404
    assert b"decree73" not in response.content


def test_allowed_addresses_and_the_bearer_token_may_scrape(client, settings):
    import ipaddress

    settings.METRICS_BEARER_TOKEN = "s3cret-token-for-prometheus-0123456789"
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]

    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus-0123456789").status_code == 200


MULTIPROCESS_SCRIPT = """
import os, sys
import django
django.setup()
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

Client().get("/no-such-page/")
child = os.fork()
if child == 0:  # another worker of the same gunicorn
    Client().get("/no-such-page/")
    os._exit(0)
os.waitpid(child, 0)
text = Client().get("/metrics").content.decode()
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        if sample.name == "decree73_http_request_duration_seconds_count" and sample.labels["view"] == "<unmatched>":
            print(int(sample.value))
"""


def test_in_multiprocess_mode_a_scrape_adds_up_every_workers_requests(tmp_path):
    # prometheus_client chooses its mode when first imported: a process of its own, forked as gunicorn forks workers.
    import os
    import subprocess
    import sys

    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "PYTEST_XDIST_WORKER"}} | {
        "PROMETHEUS_MULTIPROC_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "True",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DJANGO_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", MULTIPROCESS_SCRIPT], cwd=django_settings.BASE_DIR, env=env, capture_output=True,
        text=True, timeout=120,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["2"]
    assert any(folder.glob("histogram_*.db"))


def test_the_workers_log_handlers_get_the_json_format_and_the_request_id(settings):
    from core.observability.celery import _format_handlers

    settings.LOG_FORMAT = "json"
    worker_logger = logging.getLogger(f"tests.worker.{uuid.uuid4().hex}")
    buffer = io.StringIO()
    worker_logger.addHandler(logging.StreamHandler(buffer))
    worker_logger.propagate = False
    worker_logger.setLevel(logging.INFO)  # whatever level another test left on the root logger

    _format_handlers(logger=worker_logger)  # what Celery's after_setup_logger signal calls
    token = request_id.current.set("req-worker-format")
    try:
        worker_logger.warning("ready")
    finally:
        request_id.current.reset(token)

    assert buffer.getvalue(), f"nothing logged: logging.disable={logging.root.manager.disable}"
    line = json.loads(buffer.getvalue())
    assert (line["message"], line["request_id"], line["level"]) == ("ready", "req-worker-format", "WARNING")


def test_a_worker_with_a_metrics_port_serves_its_task_metrics(settings):
    import socket
    import urllib.request

    from core.observability.celery import _serve_worker_metrics

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings.CELERY_METRICS_PORT, settings.CELERY_METRICS_ADDRESS = port, "127.0.0.1"
    echo.apply()

    server = _serve_worker_metrics()  # what the worker_ready signal calls in the worker's main process
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:  # noqa: S310
            body = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()

    assert 'decree73_celery_task_duration_seconds_count{state="SUCCESS",task="tests.observability.echo"}' in body
    assert "decree73_overdue_steps" not in body  # the web nodes report what is computed at scrape
    settings.CELERY_METRICS_PORT = 0
    assert _serve_worker_metrics() is None


SETTINGS_CASES = """
import importlib, json, os, sys
import environ
environ.Env.read_env = lambda *args, **kwargs: None
from django.core.exceptions import ImproperlyConfigured
results = {}
for name, env in json.loads(sys.argv[1]).items():
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        import config.settings as s
        s = importlib.reload(s)
        results[name] = [s.LOG_FORMAT, [str(n) for n in s.METRICS_ALLOWED_NETWORKS]]
    except ImproperlyConfigured as error:
        results[name] = "refused: " + str(error)
    os.environ.clear()
    os.environ.update(saved)
print(json.dumps(results))
"""


def test_the_operations_settings_default_sensibly_and_refuse_bad_values(tmp_path):
    import os
    import subprocess
    import sys

    production = {"DJANGO_DEBUG": "False", "DJANGO_SECRET_KEY": "k" * 50}
    cases = {
        "debug": {"DJANGO_DEBUG": "True"},
        "production": production,
        "bad format": production | {"LOG_FORMAT": "xml"},
        "bad cidr": production | {"METRICS_ALLOWED_IPS": "10.0.0.0/33"},
        "short token": production | {"METRICS_BEARER_TOKEN": "short"},
        "missing folder": production | {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "absent")},
    }
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_DEBUG", "LOG_FORMAT", "METRICS_ALLOWED_IPS", "PROMETHEUS_MULTIPROC_DIR"}}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SETTINGS_CASES, json.dumps(cases)], cwd=django_settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.splitlines()[-1])

    assert found["debug"] == ["text", ["127.0.0.1/32", "::1/128"]]
    assert found["production"][0] == "json"
    assert found["bad format"].startswith("refused: LOG_FORMAT must be json or text")
    assert found["bad cidr"].startswith("refused: METRICS_ALLOWED_IPS")
    assert found["short token"].startswith("refused: METRICS_BEARER_TOKEN must be 32")
    assert found["missing folder"].startswith("refused: PROMETHEUS_MULTIPROC_DIR=")


def test_a_path_with_a_newline_cannot_forge_a_log_line(client, captured):
    client.get("/de-xuat/%0A2026-12-01 INFO forged/")

    [line] = [entry for entry in captured() if entry["logger"] == "decree73.request"]
    assert "\n" not in line["path"] and "\\n" in line["path"]
    assert "\n" not in line["message"]


def test_a_server_error_is_counted_and_logged_with_its_status_for_the_5xx_alert(settings, captured):
    from django.test import Client

    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    before = sample(scrape(client), "decree73_http_request_duration_seconds_count", view="broken", method="GET",
                    status="500")

    response = client.get("/broken/", HTTP_X_REQUEST_ID="req-500")

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-500"
    [line] = [entry for entry in captured() if entry["logger"] == "decree73.request"]
    assert (line["status"], line["view"], line["request_id"]) == (500, "broken", "req-500")
    assert sample(scrape(client), "decree73_http_request_duration_seconds_count", view="broken", method="GET",
                  status="500") == before + 1
