"""The peer of the create+submit figure (issue 10): OpenSlides 3.3 from PyPI, run as its "big mode" production setup
(gunicorn with uvicorn workers, PostgreSQL, Redis, DEBUG off), for `scripts/bench_pages.py`'s `peer_create_state`.

    python3 scripts/bench_peer.py start    # or `make bench-peer`: installs, configures, starts; prints the variables
    python3 scripts/bench_peer.py stop     # or `make bench-peer PEER=stop`

Nothing of OpenSlides is in the repository: `start` makes a virtualenv under var/peer/ (git-ignored) with the PyPI
package and the versions pinned below, writes its settings.py, creates the database if missing, migrates it (which
creates the admin), sets the admin's password, starts a private redis-server (OpenSlides deletes every key of its
Redis database when it starts, so it gets its own) and gunicorn with as many workers as the bench's own gunicorn.

Environment (all optional):
- BENCH_PEER_PYTHON: a Python 3.6–3.8 for OpenSlides 3.3 (default: the first of python3.8 on PATH, pyenv's 3.8
  … that runs);
- BENCH_PEER_PORT (8001); BENCH_PEER_WORKERS (2, as scripts/bench_pages.py's gunicorn);
- BENCH_PEER_DATABASE_URL (postgres://postgres@127.0.0.1:5432/openslides_peer): created when missing;
- BENCH_PEER_PASSWORD (admin): the admin's password, set at every start.
"""

import contextlib
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
HOME = BASE_DIR / "var" / "peer"
VENV = HOME / "venv"
PY = VENV / "bin" / "python"
PORT = int(os.environ.get("BENCH_PEER_PORT", "8001"))
WORKERS = int(os.environ.get("BENCH_PEER_WORKERS", "2"))
DATABASE_URL = os.environ.get("BENCH_PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openslides_peer")
PASSWORD = os.environ.get("BENCH_PEER_PASSWORD", "admin")

# What pip resolved for openslides[big_mode]==3.3 on Python 3.8 (2026-12), known to run: its own ranges are open
# upwards and later releases break it: Twisted 22 imports ParamSpec, which OpenSlides' typing_extensions<3.8 lacks;
# uvloop 0.23 has no event loop for the asyncio.Lock() OpenSlides creates at import (0.14 is of OpenSlides' time).
PINS = """aioredis==1.2.0 anyio==3.7.1 asgiref==3.6.0 async-timeout==5.0.1 attrs==25.3.0 autobahn==19.5.1
Automat==24.8.1 bleach==3.1.5 cffi==1.17.1 channels==2.3.1 channels-redis==2.4.2 click==7.1.2 constantly==23.10.4
cryptography==44.0.3 daphne==2.4.1 Django==2.2.28 django-redis-sessions==0.6.2 djangorestframework==3.9.4
exceptiongroup==1.2.2 gunicorn==19.10.0 h11==0.16.0 hiredis==3.4.2 httptools==0.1.2 hyperlink==21.0.0 idna==3.15
Incremental==24.11.0 jsonfield2==3.0.3 jsonschema==3.0.2 lz4==4.3.3 msgpack==0.6.2 mypy-extensions==0.4.4
packaging==26.2 psycopg2-binary==2.8.6 pyasn1==0.6.5 pyasn1_modules==0.4.2 pycparser==2.23 pyOpenSSL==24.3.0
PyPDF2==1.26.0 pyrsistent==0.20.0 python-dotenv==1.0.1 pytz==2026.6 PyYAML==6.0.3 redis==6.1.1 roman==3.1
service-identity==24.2.0 six==1.17.0 sniffio==1.3.1 sqlparse==0.5.5 tomli==2.5.0 Twisted==21.7.0 txaio==23.1.1
typing-extensions==3.7.4.3 uvicorn==0.13.4 uvloop==0.14.0 watchgod==0.8.2 webencodings==0.5.1 websockets==8.1
zope.interface==7.2""".split()

SETTINGS = """# Written by scripts/bench_peer.py at every start: OpenSlides' settings template in big mode.
import os
from openslides.global_settings import *

OPENSLIDES_USER_DATA_DIR = {home!r}
INSTALLED_APPS += INSTALLED_PLUGINS
SECRET_KEY = {secret!r}
DEBUG = False
DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": {name!r}, "USER": {user!r},
                         "PASSWORD": {password!r}, "HOST": {host!r}, "PORT": {port!r}}}}}
CHANNEL_LAYERS = {{"default": {{"BACKEND": "channels_redis.core.RedisChannelLayer",
                              "CONFIG": {{"hosts": [("127.0.0.1", {redis})], "capacity": 100000}}}}}}
REDIS_ADDRESS = "redis://127.0.0.1:{redis}"
AMOUNT_REPLICAS = 1
SESSION_ENGINE = "redis_sessions.session"
SESSION_REDIS = {{"host": "127.0.0.1", "port": {redis}, "db": 0, "prefix": "session", "socket_timeout": 2}}
ENABLE_SAML = False
ENABLE_ELECTRONIC_VOTING = False
STATICFILES_DIRS = [os.path.join(OPENSLIDES_USER_DATA_DIR, "static")] + STATICFILES_DIRS
STATIC_ROOT = os.path.join(OPENSLIDES_USER_DATA_DIR, "collected-static")
MEDIA_ROOT = os.path.join(OPENSLIDES_USER_DATA_DIR, "media", "")
LOGGING = {{"version": 1, "disable_existing_loggers": False, "handlers": {{"console": {{"class": "logging.StreamHandler"}}}},
           "loggers": {{"django": {{"handlers": ["console"], "level": "WARNING"}},
                       "openslides": {{"handlers": ["console"], "level": "WARNING"}}}}}}
"""

# The "accepted" state reachable from the first state of the default workflow (config "motions_workflow").
ACCEPTED_STATE = """
from openslides.utils.startup import run_startup_hooks
run_startup_hooks()  # builds the Redis cache that config reads
from openslides.core.config import config
from openslides.motions.models import Workflow
first = Workflow.objects.get(pk=int(config["motions_workflow"])).first_state
print(first.next_states.get(name="accepted").pk)
"""


def fail(message: str) -> None:
    sys.exit(f"bench_peer: {message}")


def run(*command, timeout: int = 300, **kwargs) -> str:
    """The command's output; exits with its last lines when it fails or takes longer than `timeout` seconds."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        fail(f"{' '.join(map(str, command[:3]))}… took more than {timeout} s")
    if result.returncode:
        fail(f"{' '.join(map(str, command[:3]))}… failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return result.stdout


def peer_python() -> str:
    """BENCH_PEER_PYTHON, else the first Python 3.6–3.8 found that runs (a pyenv shim may not)."""
    if os.environ.get("BENCH_PEER_PYTHON"):
        return os.environ["BENCH_PEER_PYTHON"]
    candidates = [shutil.which(f"python3.{minor}") for minor in (8, 7, 6)] + sorted(
        glob.glob(os.path.expanduser("~/.pyenv/versions/3.[678].*/bin/python")), reverse=True)
    for candidate in filter(None, candidates):
        check = subprocess.run([candidate, "-c", "import sys; assert (3, 6) <= sys.version_info[:2] <= (3, 8)"],
                               capture_output=True, timeout=60)
        if check.returncode == 0:
            return candidate
    fail("OpenSlides 3.3 needs Python 3.6–3.8 and none was found (python3.8 on PATH, ~/.pyenv/versions/3.8.*): "
         "give one as BENCH_PEER_PYTHON.")


def install() -> None:
    """The virtualenv with openslides[big_mode]==3.3, once (a stamp file marks it done)."""
    stamp = VENV / ".installed-3.3"
    if stamp.exists():
        return
    print("Installing OpenSlides 3.3 from PyPI into var/peer/venv …", flush=True)
    shutil.rmtree(VENV, ignore_errors=True)
    run(peer_python(), "-m", "venv", VENV)
    constraints = HOME / "constraints.txt"
    constraints.write_text("\n".join(PINS) + "\n")
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", constraints,
        "openslides[big_mode]==3.3", timeout=900)
    stamp.touch()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alive(name: str) -> int | None:
    """The pid in var/peer/<name>.pid if that process still runs and is `name` (a pid may have been reused since)."""
    try:
        pid = int((HOME / f"{name}.pid").read_text())
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped if it is this process's child that has exited
        os.kill(pid, 0)
        command = Path(f"/proc/{pid}/cmdline")
        return pid if not command.exists() or name.encode() in command.read_bytes() else None
    except (OSError, ValueError):
        return None


def start_redis() -> int:
    """A private redis-server (no persistence) on a free port; returns the port."""
    if not shutil.which("redis-server"):
        fail("redis-server is not installed (Debian: apt-get install redis-server).")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=(HOME / "redis.log").open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    (HOME / "redis.pid").write_text(str(server.pid))
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return port
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                fail(f"redis-server did not start:\n{(HOME / 'redis.log').read_text()[-2000:]}")
            time.sleep(0.2)


def configure(redis_port: int) -> dict:
    """settings.py for this start (the secret key kept across starts); returns the environment to run OpenSlides."""
    url = urlsplit(DATABASE_URL)
    secret = HOME / "secret_key"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(48))
    (HOME / "settings.py").write_text(SETTINGS.format(
        home=str(HOME / "data"), secret=secret.read_text(), name=url.path.lstrip("/"), user=unquote(url.username or ""),
        password=unquote(url.password or ""), host=url.hostname or "", port=str(url.port or ""), redis=redis_port))
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "settings", "PYTHONPATH": str(HOME)}


def create_database(env: dict) -> None:
    url = urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    maintenance = url._replace(path="/postgres").geturl()
    run(PY, "-c", f"""
import psycopg2
connection = psycopg2.connect({maintenance!r})
connection.autocommit = True
cursor = connection.cursor()
cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [{name!r}])
if not cursor.fetchone():
    cursor.execute('CREATE DATABASE "{name}"')
""", env=env, timeout=60)


def start() -> None:
    HOME.mkdir(parents=True, exist_ok=True)
    if alive("gunicorn"):
        fail(f"already running (pid {alive('gunicorn')}): `{sys.argv[0]} stop` first.")
    install()
    stop(quiet=True)  # a redis-server left by a start that was killed half-way
    try:
        base, state = serve()
    except BaseException:  # a failure (SystemExit from `fail`) or Ctrl-C: nothing left running
        stop(quiet=True)
        raise
    print(f"OpenSlides 3.3 runs on {base} ({WORKERS} uvicorn workers under gunicorn; log: {HOME / 'gunicorn.log'}). "
          f"For the bench:\nexport BENCH_PEER_URL={base} BENCH_PEER_USERNAME=admin BENCH_PEER_PASSWORD={PASSWORD} "
          f"BENCH_PEER_STATE={state}\nStop it with: make bench-peer PEER=stop")


def serve() -> tuple[str, str]:
    """Redis, settings, database, migrations, admin's password, gunicorn: the URL and the "accepted" state's id."""
    env = configure(start_redis())
    create_database(env)
    manage = [PY, "-m", "django"]
    run(*manage, "migrate", "--no-input", env=env, timeout=600)
    run(*manage, "insecurechangepassword", "admin", PASSWORD, env=env)
    state = run(*manage, "shell", "-c", ACCEPTED_STATE, env=env).strip().splitlines()[-1]
    log = HOME / "gunicorn.log"
    server = subprocess.Popen(
        [VENV / "bin" / "gunicorn", "--workers", str(WORKERS), "--worker-class", "uvicorn.workers.UvicornWorker",
         "--bind", f"127.0.0.1:{PORT}", "--pid", HOME / "gunicorn.pid", "--timeout", "120",
         "openslides.asgi:application"],
        cwd=HOME, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{PORT}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/apps/users/login/", timeout=5) as response:
                json.load(response)
                return base, state
        except (OSError, ValueError):
            if server.poll() is not None or time.monotonic() > deadline:
                fail(f"OpenSlides did not start on {base} (90 s at most):\n{log.read_text()[-3000:]}")
            time.sleep(0.5)


def stop(quiet: bool = False) -> None:
    """SIGTERM to gunicorn's master and the private redis-server, SIGKILL after 30 s."""
    for name in ("gunicorn", "redis"):
        pid = alive(name)
        if pid:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 30
            while alive(name) and time.monotonic() < deadline:
                time.sleep(0.2)
            if alive(name):
                os.kill(pid, signal.SIGKILL)
            if not quiet:
                print(f"stopped {name} (pid {pid})")
        (HOME / f"{name}.pid").unlink(missing_ok=True)


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "start"
    if action not in ("start", "stop"):
        fail(f"usage: {sys.argv[0]} [start|stop]")
    start() if action == "start" else stop()
