"""Reads on a streaming replica for reports, dashboards and exports (issue 14 §3; deploy/replica.md).

Nothing reads from the replica unless it asks to: code that computes a report, a dashboard or an export wraps its
reads in `replica_reads()` (a context manager and a decorator). Everything else, every write, and every read
inside a transaction on the primary (the reads that must see a write just made, and the rows a service locks)
stays on the primary; so does an object's related-object loads, which follow the database the object came from.

Inside the scope the replica is used only while it is configured (DATABASE_REPLICA_URL), reachable and at most
REPLICA_MAX_LAG_SECONDS behind. The lag is measured on the replica itself, at most every REPLICA_LAG_CHECK_SECONDS
per process: the age of the last transaction it replayed, or 0 when it has replayed everything it received (a
quiet primary sends no WAL, and a replica with nothing to replay is not behind however old its last transaction).
Otherwise the reads go to the primary and a warning is logged: a report is slower, never wrong by more than the
bound, and never fails because the replica is down.
"""

import contextlib
import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"

_in_scope: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)

# What the replica itself says about how far behind it is (seconds); NULL when it cannot tell (it has WAL to
# replay but has never replayed a transaction), which counts as too far.
LAG_QUERY = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())
END
"""


@contextlib.contextmanager
def replica_reads():
    """Reads of this block may go to the replica (see the module docstring); writes never do."""
    token = _in_scope.set(True)
    try:
        yield
    finally:
        _in_scope.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class _Verdict:
    """The last lag check of this process: shared by its threads, each checking on its own connection."""

    lock = threading.Lock()
    checked_at = float("-inf")
    usable = False


def forget_replica_state() -> None:
    """The next read in scope measures the lag again (tests; after a failover)."""
    with _Verdict.lock:
        _Verdict.checked_at = float("-inf")


def replica_lag_seconds() -> float | None:
    """How far behind the replica is, in seconds (None: it cannot tell). Raises DatabaseError when unreachable."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_QUERY)
        lag = cursor.fetchone()[0]
    return None if lag is None else max(0.0, float(lag))


def replica_usable() -> bool:
    """Whether reads in scope go to the replica now: configured, reachable, within the bound (cached briefly)."""
    if not replica_configured():
        return False
    now = time.monotonic()
    with _Verdict.lock:
        if now - _Verdict.checked_at < settings.REPLICA_LAG_CHECK_SECONDS:
            return _Verdict.usable
        # Claimed before measuring: the other threads keep the last verdict meanwhile instead of measuring too.
        _Verdict.checked_at = now
    try:
        lag = replica_lag_seconds()
    except DatabaseError as error:
        # A broken connection is dropped so that the next check connects afresh (the replica restarted).
        connections[REPLICA].close()
        logger.warning("Replica unreachable, reports read from the primary: %s", str(error).strip())
        usable = False
    else:
        usable = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
        if not usable:
            logger.warning(
                "Replica %s behind (bound %s s), reports read from the primary",
                "an unknown time" if lag is None else f"{lag:.1f} s", settings.REPLICA_MAX_LAG_SECONDS,
            )
    with _Verdict.lock:
        _Verdict.usable = usable
    return usable


class ReplicaRouter:
    """DATABASE_ROUTERS: the replica for reads inside `replica_reads()` when usable; the primary for all else."""

    def db_for_read(self, model, **hints):
        if not _in_scope.get() or not replica_configured():
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return None  # related objects follow their instance (Django's own fallback)
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a transaction reads what it wrote, and what it locks, on the primary
        return REPLICA if replica_usable() else None

    def db_for_write(self, model, **hints):
        # Explicitly the primary: an object read from the replica and saved must not be written back there.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there may be related to one read on the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        # The replica receives the schema by replication; it is read-only.
        return False if db == REPLICA else None
