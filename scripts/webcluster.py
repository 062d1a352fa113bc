"""Two (or more) gunicorn web nodes behind HAProxy, and a Celery worker, on loopback (issue 14 §1 and Acceptance).

    with WebCluster(Path(tmp), env=node_env(database_url=..., replica_url=...)) as cluster:
        Client(cluster.balancer_port)       # scripts/bench_pages.Client: round robin over the nodes
        cluster.kill("node-a")              # SIGKILL to the node's gunicorn, master and workers
        cluster.wait_status("node-a", "DOWN")   # HAProxy's health check has noticed

Every node runs production settings (DEBUG off) with a private var/ folder of its own, so that anything the app
kept on local disk would show up as a failure on the other node; what they share is what a real deployment shares:
the database (and its replica), Redis, the document store and the settings (SECRET_KEY above all). HAProxy is
Debian's package: round robin, no stickiness, a node taken out after two failed health checks on HEALTH_PATH.
Used by tests/cluster/ (`make test`) and scripts/cluster_bench.py (`make cluster-test`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.pgcluster import free_ports

BASE_DIR = Path(__file__).resolve().parent.parent
# The walks drive the pages with scripts/bench_pages.Client, which imports its siblings (bench_seed) by bare name.
if str(BASE_DIR / "scripts") not in sys.path:
    sys.path.append(str(BASE_DIR / "scripts"))
# What HAProxy asks each node to decide whether it serves: its database, Redis and document store answer (issue 14 §5).
HEALTH_PATH = "/readyz"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"

HAPROXY_CONFIG = """\
global
    maxconn 1000
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    # A request that could not reach a node (it died; HAProxy has not noticed yet) is tried on another.
    retries 2
    option redispatch

frontend web
    bind 127.0.0.1:{port}
    default_backend nodes

backend nodes
    # No stickiness on purpose: every request may land on any node, which is what "stateless" has to survive.
    balance roundrobin
    option httpchk
    http-check send meth GET uri {health_path} ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    # A killed node refuses the check's connection at once: down within two intervals. A busy one has `timeout check`
    # to answer (gunicorn's second worker answers while the first renders a PDF).
    timeout check 5s
    default-server inter {inter_ms}ms fall 2 rise 1
{servers}
"""


def haproxy_available() -> bool:
    return Path(HAPROXY).exists()


def node_env(*, database_url: str, redis_url: str, media_root: Path, replica_url: str = "", nodes: int = 2,
             **extra: str) -> dict[str, str]:
    """The environment every node and the worker share: production settings, one SECRET_KEY, one database, one Redis
    (under a key prefix of its own), one document store. HTTP on loopback, so no HTTPS redirect; no second factor
    (the walk signs in with a password); static files from the finders rather than a collected manifest (starting
    in seconds matters more here than the manifest, which `collectstatic` builds identically on each node)."""
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "PYTEST_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "False",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48), "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url, "DATABASE_REPLICA_URL": replica_url,
        "REDIS_URL": redis_url, "CELERY_BROKER_KEY_PREFIX": f"webcluster-{secrets.token_hex(4)}:",
        "DJANGO_PRIVATE_MEDIA_ROOT": str(media_root), "WEB_NODES": str(nodes),
        "DJANGO_SECURE_SSL_REDIRECT": "False", "TWO_FACTOR_REQUIRED_ROLES": "", "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        **extra,
    }


class WebCluster:
    """`names` gunicorn nodes with `workers` sync workers each, HAProxy in front and, with `worker=True`, one Celery
    worker, all with `env` (node_env) plus NODE_NAME and a private DJANGO_VAR_DIR per process."""

    def __init__(self, base_dir: Path, *, env: dict[str, str], names=("node-a", "node-b"), workers: int = 2,
                 worker: bool = False, inter_ms: int = 500):
        self.root = Path(tempfile.mkdtemp(prefix="webcluster-", dir=base_dir))
        self.env, self.names, self.workers, self.worker, self.inter_ms = env, tuple(names), workers, worker, inter_ms
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        self.balancer_port = 0

    # -- lifecycle ------------------------------------------------------------------------------------------------

    def start(self) -> WebCluster:
        """Nodes, worker and HAProxy started together; returns once HAProxy sees every node UP."""
        self.spawn()
        return self.wait_ready()

    def spawn(self) -> WebCluster:
        """Start every process without waiting: the nodes import Django while the caller fills the database."""
        *node_ports, self.balancer_port = free_ports(len(self.names) + 1)
        try:
            for name, port in zip(self.names, node_ports, strict=True):
                self.ports[name] = port
                # --preload: Django is imported once by the master, then the workers fork, which halves the start.
                self._spawn(name, [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(self.workers),
                                   "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
                                   "config.wsgi:application"])
            if self.worker:
                self._spawn("worker", [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
                                       "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"])
            servers = "\n".join(f"    server {name} 127.0.0.1:{port} check" for name, port in self.ports.items())
            config = self.root / "haproxy.cfg"
            config.write_text(HAPROXY_CONFIG.format(
                socket=self.root / "haproxy.sock", port=self.balancer_port, health_path=HEALTH_PATH,
                inter_ms=self.inter_ms, servers=servers,
            ))
            # -db: in the foreground, no daemon; -W would fork a master we would have to find again.
            self._spawn("haproxy", [HAPROXY, "-db", "-f", str(config)])
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 90) -> WebCluster:
        """Return once HAProxy's health checks see every node UP."""
        try:
            for name in self.names:
                self.wait_status(name, "UP", timeout=timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Every process killed (nothing here is worth a graceful stop), the directory removed. Safe to call twice."""
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes.values():
            process.wait(timeout=10)
        self.processes.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> WebCluster:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- what tests do to it -------------------------------------------------------------------------------------

    def kill(self, name: str) -> None:
        """The node dies at once, as when its machine is lost: SIGKILL to gunicorn's master and its workers."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def status(self) -> dict[str, str]:
        """HAProxy's view of each node (UP, DOWN, "UP 1/2" while a check is failing...), from its stats socket."""
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(5)
            connection.connect(str(self.root / "haproxy.sock"))
            connection.sendall(b"show stat\n")
            data = b""
            while chunk := connection.recv(65536):
                data += chunk
        rows = csv.DictReader(io.StringIO(data.decode().lstrip("# ")))
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "nodes" and row["svname"] in self.ports}

    def wait_status(self, name: str, wanted: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for process_name, process in self.processes.items():
                if process.poll() is not None and process_name not in (name, "haproxy") and wanted == "UP":
                    raise RuntimeError(f"{process_name} exited:\n{self.log(process_name)}")
            with contextlib.suppress(OSError):
                if self.status().get(name) == wanted:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"HAProxy did not see {name} {wanted} within {timeout} s:\n{self.log(name)}")
            time.sleep(0.1)

    def log(self, name: str) -> str:
        """The last lines a process wrote (its stdout and stderr), to explain a failure."""
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    # -- helpers --------------------------------------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str]) -> None:
        var_dir = self.root / name / "var"
        var_dir.mkdir(parents=True)
        env = {**self.env, "NODE_NAME": name, "DJANGO_VAR_DIR": str(var_dir)}
        with (self.root / f"{name}.log").open("wb") as log:
            # A session of its own: kill() and stop() reach gunicorn's workers through the process group.
            self.processes[name] = subprocess.Popen(  # noqa: S603 - our own interpreter and Debian's haproxy
                command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
