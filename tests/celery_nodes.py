"""Real `celery worker` and `celery beat` processes for the tests, as separate nodes would run them.

Every process of one `Nodes` runs against this test's own PostgreSQL database (the test must be transaction=True:
what it writes is committed and visible to them), under a Redis key prefix of its own (queues, beat's lock) so that
nothing else on the same Redis, another xdist worker included, can interfere, and writes its mails to files that
the test reads back. `nodes_for` (tests/conftest.py) makes them and stops every process they started.
"""

import email
import os
import signal
import subprocess
import sys
import time
import uuid
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).with_name("celery"))


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database), for the worker processes."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def log_lines(log: Path) -> list[str]:
    return log.read_text(errors="replace").splitlines() if log.exists() else []


class Nodes:
    """Celery processes sharing an environment: this test database, a Redis key prefix, a mail folder, a log each."""

    def __init__(self, folder: Path, **env: str):
        self.folder = folder
        self.mail = folder / "mail"
        self.mail.mkdir(parents=True)
        self.prefix = f"decree73-test-{uuid.uuid4().hex}:"
        self.env = os.environ | {
            "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL, "CELERY_BROKER_KEY_PREFIX": self.prefix,
            "DJANGO_VAR_DIR": str(folder / "var"), "DJANGO_DEBUG": "True",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DJANGO_EMAIL_FILE_PATH": str(self.mail), **env,
        }
        self.processes: list[subprocess.Popen] = []
        self.redis = redis.Redis.from_url(settings.REDIS_URL)

    def _start(self, name: str, arguments: list[str]) -> tuple[subprocess.Popen, Path]:
        log = self.folder / f"{name}-{len(self.processes)}.log"
        process = subprocess.Popen(  # noqa: S603 - our own celery, our own app
            [CELERY, "-A", "config", *arguments, "--loglevel=INFO", f"--logfile={log}"],
            cwd=BASE_DIR, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches a worker pool's children too
        )
        self.processes.append(process)
        return process, log

    def start_worker(self, *, concurrency: int, queues: str = "reminders") -> tuple[subprocess.Popen, Path]:
        """A worker node consuming `queues` (comma-separated), named after its place in this test."""
        return self._start("worker", [
            "worker", "-Q", queues, f"--hostname=node{len(self.processes)}@%h", "--pool=prefork",
            f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ])

    def start_beat(self) -> tuple[subprocess.Popen, Path]:
        return self._start("beat", ["beat"])

    def send(self, task: str, *args: str, times: int = 1) -> None:
        """Enqueue `task` `times` times from another process, as beat (or an operator) would: the settings'
        CELERY_TASK_ROUTES choose its queue."""
        code = "import sys; from config.celery import app; [app.send_task(sys.argv[1], args=sys.argv[3:]) for _ in range(int(sys.argv[2]))]"
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", code, task, str(times), *args], cwd=BASE_DIR, env=self.env, check=True, timeout=60,
        )

    def queue_length(self, queue: str) -> int:
        return self.redis.llen(f"{self.prefix}{queue}")

    def mails(self) -> list[tuple[str, str]]:
        """(To, Subject) of every mail the workers sent."""
        found = []
        for path in sorted(self.mail.iterdir()):
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    message = email.message_from_bytes(chunk)
                    found.append((message["To"], str(make_header(decode_header(message["Subject"])))))
        return found

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL, as a machine that loses its power: nothing is acknowledged, released or written."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill(process)
        keys = list(self.redis.scan_iter(match=f"{self.prefix}*"))
        if keys:
            self.redis.delete(*keys)
