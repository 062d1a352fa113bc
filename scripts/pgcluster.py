"""A throw-away PostgreSQL primary and a streaming replica of it, on loopback, for tests and drills (issue 14).

    with PgCluster(Path(tmp), primary_port=52001, replica_port=52002) as cluster:   # .start() on entry
        psycopg.connect(cluster.primary_url())        # trust auth, user postgres
        cluster.wait_replayed()                       # the replica has replayed what the primary wrote so far
        cluster.stop_primary()                        # immediate: a crash, as far as the replica can tell
        cluster.promote_replica()                     # the replica accepts writes

Both servers are the machine's own PostgreSQL binaries (PG_BIN, default: `pg_config --bindir`, else the newest
/usr/lib/postgresql/*/bin). initdb refuses to run as root, so when we are root every server command runs as the
`postgres` user (`runuser`) and the data directories belong to it. The replica is a `pg_basebackup -R` of the
primary with a replication slot, so the primary keeps the WAL the replica has not received yet however long it
lags. Durability is traded for speed (fsync off, no initdb sync): the servers die with the directory, and an
immediate stop is a crash of PostgreSQL, not of the machine, so the WAL written to the OS survives it anyway.

Tests import it as `from scripts.pgcluster import PgCluster` (pytest puts the checkout on sys.path);
`free_ports(n)` picks ports nobody listens on, which keeps parallel test workers apart.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

# The primary is tuned to start in about a second and to stay small: a test cluster holds a migrated schema and a
# few thousand rows. wal_keep_size is a margin beyond the slot for a replica re-cloned mid-drill.
PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = ''
max_connections = 60
shared_buffers = 32MB
fsync = off
full_page_writes = off
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
wal_keep_size = 64MB
hot_standby = on
hot_standby_feedback = on
wal_receiver_status_interval = 1s
logging_collector = off
log_min_messages = warning
"""


def pg_bin() -> Path:
    """The directory of the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if (Path(found) / "initdb").exists():
            return Path(found)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not candidates:
        raise RuntimeError("PostgreSQL server binaries not found: install postgresql or set PG_BIN")
    return Path(candidates[-1]).parent


def available() -> bool:
    """Whether a cluster can be started here (the binaries exist), for tests to skip otherwise."""
    try:
        return (pg_bin() / "initdb").exists()
    except RuntimeError:
        return False


def free_ports(count: int) -> list[int]:
    """`count` loopback ports free right now (the kernel's choice, so two test workers never pick the same)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class PgCluster:
    """A primary on `primary_port` and its streaming replica on `replica_port`, under a fresh directory in
    `base_dir` (removed by `.stop()`). Usable as a context manager: entering starts both, leaving stops both."""

    def __init__(self, base_dir: Path, primary_port: int, replica_port: int, *, synchronous: bool = False):
        """`synchronous`: the primary acknowledges a commit only once the replica has it (no data loss on
        failover, a round trip more per commit); default asynchronous, PostgreSQL's own default."""
        self.base_dir = Path(base_dir)
        self.synchronous = synchronous
        self.primary_port = primary_port
        self.replica_port = replica_port
        self.bin = pg_bin()
        self.as_root = os.geteuid() == 0
        self.root: Path | None = None
        self.primary_dir: Path | None = None
        self.replica_dir: Path | None = None
        self.promoted = False

    # -- URLs -------------------------------------------------------------------------------------------------------

    def primary_url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.primary_port}/{db}"

    def replica_url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.replica_port}/{db}"

    # -- lifecycle --------------------------------------------------------------------------------------------------

    def start(self) -> PgCluster:
        """Initialise and start the primary, clone it into the replica and start that; returns once the replica
        streams from the primary."""
        self.root = Path(tempfile.mkdtemp(prefix=f"pgcluster-{self.primary_port}-", dir=self._reachable_base()))
        self.primary_dir, self.replica_dir = self.root / "primary", self.root / "replica"
        self._own(self.root)
        try:
            self._run("initdb", "-D", self.primary_dir, "-U", "postgres", "--auth=trust", "--no-sync",
                      "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions")
            with open(self.primary_dir / "postgresql.conf", "a") as conf:
                conf.write(PRIMARY_CONF.format(port=self.primary_port))
                if self.synchronous:
                    conf.write("synchronous_standby_names = '*'\n")
            self._pg_ctl("start", self.primary_dir, "primary.log")
            self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                      "-D", self.replica_dir, "-R", "-X", "stream", "-c", "fast", "-C", "-S", "replica", "--no-sync")
            with open(self.replica_dir / "postgresql.conf", "a") as conf:
                # Once promoted it has no standby of its own to wait for.
                conf.write(f"port = {self.replica_port}\nsynchronous_standby_names = ''\n")
            self._pg_ctl("start", self.replica_dir, "replica.log")
            self._wait_streaming()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Both servers down (immediately: nothing here is kept), the directory removed. Safe to call twice."""
        for data_dir in (self.replica_dir, self.primary_dir):
            if data_dir is not None and (data_dir / "postmaster.pid").exists():
                self._pg_ctl("stop", data_dir, mode="immediate", check=False)
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
        self.root = self.primary_dir = self.replica_dir = None

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- the events tests and drills cause --------------------------------------------------------------------------

    def stop_primary(self, mode: str = "immediate") -> None:
        """Stop the primary: `immediate` is PostgreSQL crashing (no checkpoint, clients cut off), `fast` a clean
        shutdown that first sends the replica all the WAL."""
        self._pg_ctl("stop", self.primary_dir, mode=mode)

    def start_primary(self) -> None:
        self._pg_ctl("start", self.primary_dir, "primary.log")

    def stop_replica(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", self.replica_dir, mode=mode)

    def start_replica(self, *, wait_streaming: bool = True) -> None:
        """Start the replica again; unless told otherwise, return once it streams (the primary must be up)."""
        self._pg_ctl("start", self.replica_dir, "replica.log")
        if wait_streaming and not self.promoted:
            self._wait_streaming()

    def promote_replica(self, timeout: float = 30) -> None:
        """Make the replica a primary; returns once it accepts writes."""
        self._pg_ctl("promote", self.replica_dir, timeout=timeout)
        deadline = time.monotonic() + timeout
        while self._scalar(self.replica_url(), "SELECT pg_is_in_recovery()"):
            if time.monotonic() > deadline:
                raise TimeoutError("the promoted replica is still in recovery")
            time.sleep(0.05)
        self.promoted = True

    def pause_replay(self) -> None:
        """The replica keeps receiving WAL but stops applying it: its data ages, as under a long report query."""
        self._scalar(self.replica_url(), "SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self._scalar(self.replica_url(), "SELECT pg_wal_replay_resume()")

    def wait_replayed(self, timeout: float = 10) -> None:
        """Return once the replica has replayed everything the primary had written when called."""
        target = self._scalar(self.primary_url(), "SELECT pg_current_wal_lsn()")
        query = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"  # noqa: S608 - an LSN read from the server
        deadline = time.monotonic() + timeout
        while not self._scalar(self.replica_url(), query):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica has not replayed {target} within {timeout} s")
            time.sleep(0.02)

    def copy_database(self, source_url: str, db: str) -> None:
        """Create `db` on the primary as a copy of the database at `source_url` (schema and rows, without owners
        or grants), e.g. a test database pytest-django has just migrated: seconds, where migrating the app from
        nothing takes a minute. The replica receives it like any other write."""
        self._scalar(self.primary_url(), f'CREATE DATABASE "{db}"')
        dump = subprocess.Popen([str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        load = subprocess.run([str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.primary_url(db)],
                              stdin=dump.stdout, capture_output=True, text=True, check=False)
        dump.stdout.close()
        dump_error = dump.stderr.read().decode(errors="replace")
        if dump.wait() != 0 or load.returncode != 0:
            raise RuntimeError(f"copying {db} failed: {dump_error.strip()} {load.stderr.strip()}")

    def log(self, which: str = "replica") -> str:
        """The server's log so far, for a failing test's message."""
        path = self.root / f"{which}.log" if self.root else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    # -- internals --------------------------------------------------------------------------------------------------

    def _reachable_base(self) -> Path:
        """`base_dir`, or the system temp dir when the postgres user cannot enter it (pytest's tmp_path lives under
        /tmp/pytest-of-root, mode 0700): the servers must reach their data directories."""
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if not self.as_root:
            return self.base_dir
        probe = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(self.base_dir)], check=False)
        return self.base_dir if probe.returncode == 0 else Path(tempfile.gettempdir())

    def _own(self, path: Path) -> None:
        if self.as_root:
            shutil.chown(path, "postgres", "postgres")
            path.chmod(0o700)

    def _command(self, program: str, *args) -> list[str]:
        command = [str(self.bin / program), *map(str, args)]
        return ["runuser", "-u", "postgres", "--", *command] if self.as_root else command

    def _run(self, program: str, *args, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        done = subprocess.run(self._command(program, *args), capture_output=True, text=True, timeout=timeout,
                              check=False, cwd=self.root or None)
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
        return done

    def _pg_ctl(self, action: str, data_dir: Path, logname: str = "", *, mode: str = "", check: bool = True,
                timeout: float = 30) -> None:
        args = [action, "-D", data_dir, "-w", "-t", str(int(timeout))]
        if logname:
            args += ["-l", self.root / logname]
        if mode:
            args += ["-m", mode]
        self._run("pg_ctl", *args, check=check, timeout=timeout + 5)

    @staticmethod
    def _scalar(url: str, query: str):
        """The first column of the first row `query` returns on a fresh autocommit connection (None: no rows)."""
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(query)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None

    sql = _scalar

    def _wait_streaming(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(psycopg.OperationalError):
                if self._scalar(self.primary_url(), "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"):
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the replica does not stream after {timeout} s:\n{self.log('replica')[-2000:]}")
            time.sleep(0.05)


def database_url(settings_dict: dict) -> str:
    """A Django DATABASES entry as a libpq URL (for pg_dump, psql or `copy_database`)."""
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'])}"


def point_django_at(url: str, alias: str = "default") -> dict:
    """Repoint a running Django process's connection `alias` at `url` (another server, same database name unless
    the URL names one): what a restart with a new DATABASE_URL does, without the restart. Open connections of this
    thread are closed; other threads' reconnect to the new server once theirs fail (CONN_HEALTH_CHECKS) or close.
    Returns the entry's previous values, for `point_django_at` back with `restore=`."""
    from urllib.parse import unquote, urlsplit

    from django.db import connections

    parts = urlsplit(url)
    entry = connections[alias].settings_dict
    before = {key: entry.get(key) for key in ("HOST", "PORT", "USER", "PASSWORD", "NAME")}
    connections[alias].close()
    entry.update(HOST=parts.hostname or "", PORT=str(parts.port or ""), USER=unquote(parts.username or ""),
                 PASSWORD=unquote(parts.password or ""))
    if parts.path.strip("/"):
        entry["NAME"] = unquote(parts.path.strip("/"))
    return before


def restore_django(before: dict, alias: str = "default") -> None:
    """Undo `point_django_at` with the values it returned."""
    from django.db import connections

    connections[alias].close()
    connections[alias].settings_dict.update(before)
