"""The Celery app and the periodic housekeeping tasks (spec README §5, style.md §9)."""

import datetime
import json
import os
import re
import shlex
import subprocess
import sys
import uuid
import zoneinfo
from pathlib import Path

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections

from config.celery import app
from core.audit import audit_record
from core.models import CalendarDay
from core.tasks import extend_calendar, verify_audit_chain
from tests.factories import OrgUnitFactory

BASE_DIR = Path(__file__).resolve().parents[2]
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _fresh_process(code: str, **env: str) -> str:
    """Run `code` in a new interpreter (as `celery -A config worker` or beat would start) and return stdout."""
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"} | env
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_celery_app_reads_the_celery_namespace_of_django_settings():
    # Each value differs from Celery's own default, so a wrong namespace (or none) fails here. Late
    # acknowledgement and one task at a time: a task lost with its worker runs again (style.md §9).
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"
    assert app.conf.beat_scheduler == "config.beat:SingleBeatScheduler"  # django-celery-beat's, behind a lock


def test_the_broker_is_redis_url_when_it_is_set():
    code = "from config.celery import app; print(app.conf.broker_url)"

    assert _fresh_process(code, REDIS_URL="redis://broker.example:6379/3") == "redis://broker.example:6379/3"
    assert _fresh_process(code) == "filesystem://"


def test_celery_broker_url_takes_another_broker_such_as_rabbitmq_and_refuses_an_unknown_one():
    code = "from config.celery import app; print(app.conf.broker_url, sorted(app.conf.broker_transport_options))"
    amqp = "amqp://decree73:secret@mq.example:5672/decree73"

    # Redis-only options (visibility timeout, key prefix) are not given to RabbitMQ.
    assert _fresh_process(code, REDIS_URL="redis://cache.example:6379/0", CELERY_BROKER_URL=amqp) == f"{amqp} []"
    refused = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=BASE_DIR, env=os.environ | {"CELERY_BROKER_URL": "sqs://queue.example"},
        capture_output=True, text=True, timeout=60,
    )
    assert "CELERY_BROKER_URL must be a redis://, rediss://, amqp:// or amqps:// URL, not 'sqs'" in refused.stderr


def test_the_beat_schedule_names_only_tasks_that_exist():
    # In a fresh process, as beat and the worker start: only autodiscovery can have registered the tasks
    # (in this test process some other test may already have imported them).
    code = (
        "import json; from config.celery import app; app.loader.import_default_modules(); "
        "print(json.dumps({'scheduled': [e['task'] for e in app.conf.beat_schedule.values()], "
        "'registered': sorted(app.tasks)}))"
    )

    found = json.loads(_fresh_process(code))

    assert found["scheduled"], "the beat schedule is empty"
    assert [name for name in found["scheduled"] if name not in found["registered"]] == []


@time_machine.travel(datetime.datetime(2051, 1, 5, 9, 0, tzinfo=VN), tick=False)
def test_the_calendar_task_seeds_the_years_ahead_of_today(db, settings):
    settings.WORKCAL_SEED_YEARS_AHEAD = 1
    CalendarDay.objects.filter(date__year__gte=2051).delete()

    added = extend_calendar()

    assert added == CalendarDay.objects.filter(date__year__in=[2051, 2052]).count()
    assert CalendarDay.objects.filter(date__year=2052, name="Tết Nguyên Đán").exists()
    assert not CalendarDay.objects.filter(date__year=2053).exists()
    assert extend_calendar() == 0


@pytest.fixture
def result_backend():
    """Results through Redis for one test: the project itself stores none."""
    previous = app.conf.result_backend
    app.conf.result_backend = settings.REDIS_URL
    app._local.__dict__.pop("backend", None)  # the backend is cached per thread
    yield
    app.conf.result_backend = previous
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def worker_closes_its_connections():
    """The worker thread opens its own database connection; close it after each task."""

    def close(**kwargs):
        connections.close_all()

    task_postrun.connect(close, weak=False)
    yield
    task_postrun.disconnect(close)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_nightly_chain_check_runs_on_a_real_worker_through_redis(result_backend, worker_closes_its_connections):
    unit = OrgUnitFactory()
    for i in range(3):
        audit_record(action="test.append", obj=unit, payload={"i": i})
    # A queue of our own, so that a worker of another checkout on the same Redis cannot take the job.
    queue = f"test-{uuid.uuid4().hex}"

    try:
        with start_worker(app, perform_ping_check=False, pool="solo", queues=[queue], shutdown_timeout=30):
            result = verify_audit_chain.apply_async(queue=queue)  # `.delay()`, on a queue of our own
            outcome = result.get(timeout=20)
        result.forget()
    finally:
        redis.Redis.from_url(settings.REDIS_URL).delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")

    assert outcome == {"checked": 3, "broken_at": None}


# --- Queues across nodes (issue 14 §4, deploy/celery.md) -----------------------------------------------------------
# A task routed to a queue that no worker consumes is never run, and nothing says so: these tests hold every task,
# the routes and the documented worker commands together.

DECLARED_QUEUES = {queue.name for queue in settings.CELERY_TASK_QUEUES}


def worker_commands(path: Path) -> list[str]:
    """Every `celery -A config worker` command line of a shell script, or of a Markdown page's code blocks (a
    worker named in prose, without its -Q, would seem to consume every queue)."""
    text = path.read_text().replace("\\\n", " ")
    if path.suffix == ".md":
        text = "\n".join(block for index, block in enumerate(text.split("```")) if index % 2)
    return [line.strip() for line in text.splitlines() if re.search(r"-A config worker\b", line)]


def queues_consumed(command: str) -> set[str]:
    """What a worker started by `command` consumes: the queues given with -Q, or without -Q every declared one."""
    words = shlex.split(command.strip("`"))
    for index, word in enumerate(words):
        if word in ("-Q", "--queues"):
            return set(words[index + 1].split(","))
        if word.startswith("--queues="):
            return set(word.removeprefix("--queues=").split(","))
    return DECLARED_QUEUES


@pytest.fixture(scope="module")
def task_queues() -> dict[str, str]:
    """Each registered task's queue as the router sends it (a queue named on the task itself included), in a new
    interpreter where only autodiscovery (as in the worker and beat) registered the tasks."""
    code = (
        "import json; from config.celery import app; app.loader.import_default_modules(); "
        "own = {name: {'queue': task.queue} if getattr(task, 'queue', None) else {} for name, task in app.tasks.items()}; "
        "print(json.dumps({name: app.amqp.router.route(own[name], name)['queue'].name for name in app.tasks}))"
    )
    return json.loads(_fresh_process(code))


def test_every_task_of_the_project_is_routed_by_name_to_a_declared_queue(task_queues):
    queues = task_queues
    ours = {name for name in queues if not name.startswith("celery.")}

    assert ours - set(settings.CELERY_TASK_ROUTES) == set(), "route each new task in CELERY_TASK_ROUTES"
    assert set(settings.CELERY_TASK_ROUTES) - ours == set(), "a route names a task that does not exist"
    assert {queues[name] for name in ours} <= DECLARED_QUEUES
    assert (queues["reminders.tasks.scan_deadlines"], queues["reports.tasks.produce_report"],
            queues["webhooks.tasks.deliver_webhook"]) == ("reminders", "reports", "default")


def test_every_task_goes_to_a_queue_that_the_documented_worker_nodes_consume(task_queues):
    commands = worker_commands(BASE_DIR / "deploy" / "celery.md")
    consumed = [queues_consumed(command) for command in commands]

    assert len(commands) >= len(DECLARED_QUEUES), "deploy/celery.md shows one worker node per queue"
    assert set().union(*consumed) == DECLARED_QUEUES, "a documented worker consumes a queue that is not declared"
    unconsumed = {name: queue for name, queue in task_queues.items()
                  if not any(queue in queues for queues in consumed)}
    assert unconsumed == {}, "these tasks would never run"


def test_the_development_worker_of_make_run_consumes_every_queue():
    commands = worker_commands(BASE_DIR / "scripts" / "run-dev.sh")

    assert len(commands) == 1
    assert queues_consumed(commands[0]) == DECLARED_QUEUES


@pytest.mark.redis
def test_a_task_enqueued_on_redis_lands_in_its_own_queues_list():
    prefix = f"test-queues-{uuid.uuid4().hex}:"  # keys of this test only, whatever else shares the Redis database
    client = redis.Redis.from_url(settings.REDIS_URL)
    expected = {queue: 0 for queue in DECLARED_QUEUES}
    try:
        with app.connection_for_write(
            transport_options=app.conf.broker_transport_options | {"global_keyprefix": prefix}
        ) as connection:
            for name, route in settings.CELERY_TASK_ROUTES.items():
                app.send_task(name, connection=connection)  # no queue given: the routes choose it
                expected[route["queue"]] += 1

        assert {queue: client.llen(f"{prefix}{queue}") for queue in DECLARED_QUEUES} == expected
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
