#!/usr/bin/env python
"""The failover drill (issue 14 §6): `make drill-failover`, or `.venv/bin/python scripts/drill_failover.py [options]`.

A throw-away primary and streaming replica on loopback (scripts/pgcluster.py); the app migrated on the primary; a
writer doing real work through the services (cadres starting proposals: each a proposal row and an audit event
chained to the one before) in a loop; then the primary is stopped as if it crashed (`pg_ctl stop -m immediate`),
the replica promoted, the app pointed at the promoted server, and the writer carries on there. It prints:

- downtime: seconds from the primary's stop to the first write acknowledged by the promoted server;
- data loss: writes the old primary acknowledged that the promoted server does not have (asynchronous
  replication may lose the last few; `--sync` makes the primary wait for the replica, and loses none);
- `verify_audit` on the promoted server: the evidence chain intact or where it breaks.

The app is pointed at the promoted server in this process (scripts.pgcluster.point_django_at, the in-process
equivalent of restarting with a new DATABASE_URL); the promotion is immediate here, where in production an
operator or a failover manager adds their reaction time (deploy/replica.md). Nothing on 127.0.0.1:5432 is touched.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from scripts.pgcluster import PgCluster, free_ports, point_django_at  # noqa: E402

DRILL_DB = "decree73_drill"


@dataclasses.dataclass
class DrillResult:
    writes_before: int  # acknowledged by the old primary (a few while `pg_ctl stop` was under way, maybe)
    writes_after: int  # acknowledged by the promoted server
    failed_attempts: int  # writes that raised while there was no primary (retried)
    promote_seconds: float  # stop → the promoted server accepts writes
    downtime_seconds: float  # stop → the first acknowledged write on the promoted server
    gap_seconds: float  # the last write the old primary acknowledged → the first on the promoted server
    lost: list[str]  # acknowledged before the stop, missing after the promotion
    audit_checked: int
    audit_broken: str  # "" when the chain is intact

    def lines(self) -> list[str]:
        return [
            f"writes acknowledged by the old primary:               {self.writes_before}",
            f"writes acknowledged by the promoted replica:          {self.writes_after}",
            f"attempts that failed while there was no primary:      {self.failed_attempts}",
            f"promotion (stop -> promoted server accepts writes):   {self.promote_seconds:.2f} s",
            f"downtime (stop -> first write on the promoted server): {self.downtime_seconds:.2f} s",
            f"the writer's gap (last write on the old primary -> first on the promoted one): {self.gap_seconds:.2f} s",
            f"data loss (acknowledged writes missing after it):     {len(self.lost)}"
            + (f" ({', '.join(self.lost[:5])}{', ...' if len(self.lost) > 5 else ''})" if self.lost else ""),
            "verify_audit on the promoted server:                  "
            + (f"intact, {self.audit_checked} events" if not self.audit_broken else f"BROKEN: {self.audit_broken}"),
        ]


def seed_writer():
    """A unit with its head and a cadre who starts proposals: what the writer acts as. Returns (cadre, position)."""
    import datetime

    from accounts.models import OrgUnit, Position, User

    unit = OrgUnit.objects.create(
        code="DRILL", name="Sở Nội vụ (diễn tập chuyển đổi dự phòng)", abbreviation="SNV", place_name="Hà Nội",
        level=OrgUnit.Level.PROVINCE, kind=OrgUnit.Kind.STATE_AGENCY, valid_from=datetime.date(2020, 1, 1),
    )
    people = {}
    for role, username in ((Position.Role.HEAD, "drill-head"), (Position.Role.STAFF, "drill-cadre")):
        people[role] = User.objects.create_user(username=username, first_name="Diễn tập", last_name=username)
        position = Position.objects.create(
            person=people[role], unit=unit, role=role, category=Position.Category.STATE_LEADER,
            start_date=datetime.date(2024, 1, 1),
        )
    return people[Position.Role.STAFF], position


class Writer(threading.Thread):
    """Starts proposals through the service in a loop; a write counts once the service has returned (committed).
    While the database is unreachable it drops its connection and retries, as a web node's next request would."""

    def __init__(self, cadre, position):
        super().__init__(daemon=True, name="drill-writer")
        self.cadre, self.position = cadre, position
        # (monotonic time acknowledged, the port of the server that acknowledged it, title): the server is read from
        # the connection itself, since the old primary may acknowledge a write while `pg_ctl stop` is under way.
        self.acknowledged: list[tuple[float, int, str]] = []
        self.failures = 0
        self.stopping = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        from django.db import Error, connection

        from proposals.services import proposal_create_draft

        n = 0
        try:
            while not self.stopping.is_set():
                n += 1
                title = f"Diễn tập chuyển đổi dự phòng {n:06d}"
                try:
                    proposal_create_draft(by=self.cadre, position=self.position, data={"title": title})
                except Error:  # OperationalError, or InterfaceError on a connection the crash closed
                    self.failures += 1
                    connection.close()
                    time.sleep(0.02)
                    continue
                self.acknowledged.append((time.monotonic(), connection.connection.info.port, title))
        except BaseException as error:  # surfaced by run_drill: a writer that dies is a failed drill
            self.error = error
        finally:
            connection.close()


def run_drill(cluster: PgCluster, *, db: str, before: float, after: float, log: Callable[[str], None] = print) -> DrillResult:
    """The drill on a started cluster whose primary holds the migrated app in `db`, Django's default connection
    pointing at it. Leaves the default connection pointing at the promoted server."""
    from django.db import connection

    from core.audit import verify_chain
    from proposals.models import Proposal

    cadre, position = seed_writer()
    writer = Writer(cadre, position)
    writer.start()
    time.sleep(before)
    if writer.error or not writer.acknowledged:
        writer.stopping.set()
        raise RuntimeError(f"the writer did not write on the primary: {writer.error!r}")

    stopped_at = time.monotonic()
    cluster.stop_primary(mode="immediate")
    log(f"primary stopped (immediate) after {len(writer.acknowledged)} writes")
    cluster.promote_replica()
    promote_seconds = time.monotonic() - stopped_at
    point_django_at(cluster.replica_url(db))
    log(f"replica promoted in {promote_seconds:.2f} s; the app now points at {cluster.replica_url(db)}")

    time.sleep(after)
    writer.stopping.set()
    writer.join(timeout=30)
    if writer.error:
        raise RuntimeError("the writer failed") from writer.error
    before_stop = [(at, title) for at, port, title in writer.acknowledged if port == cluster.primary_port]
    after_stop = [(at, title) for at, port, title in writer.acknowledged if port == cluster.replica_port]
    if not after_stop:
        raise RuntimeError("no write succeeded on the promoted server")

    connection.close()
    titles = [title for at, title in before_stop]
    present = set(Proposal.objects.filter(title__in=titles).values_list("title", flat=True))
    checked, broken = verify_chain()
    return DrillResult(
        writes_before=len(before_stop), writes_after=len(after_stop), failed_attempts=writer.failures,
        promote_seconds=promote_seconds, downtime_seconds=after_stop[0][0] - stopped_at,
        gap_seconds=after_stop[0][0] - before_stop[-1][0],
        lost=[title for title in titles if title not in present], audit_checked=checked,
        audit_broken=f"#{broken.seq}: {broken.reason}" if broken else "",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=float, default=10, help="seconds of writing before the primary stops (10)")
    parser.add_argument("--after", type=float, default=5, help="seconds of writing on the promoted server (5)")
    parser.add_argument("--sync", action="store_true", help="synchronous replication: the primary waits for the replica")
    parser.add_argument("--ports", type=int, nargs=2, metavar=("PRIMARY", "REPLICA"), help="default: two free ports")
    args = parser.parse_args()

    primary_port, replica_port = args.ports or free_ports(2)
    started = time.monotonic()
    with PgCluster(Path(tempfile.gettempdir()), primary_port, replica_port, synchronous=args.sync) as cluster:
        print(f"cluster up in {time.monotonic() - started:.1f} s: primary :{primary_port}, replica :{replica_port}"
              f" ({'synchronous' if args.sync else 'asynchronous'} replication)")
        cluster.sql(cluster.primary_url(), f'CREATE DATABASE "{DRILL_DB}"')
        os.environ["DATABASE_URL"] = cluster.primary_url(DRILL_DB)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ.setdefault("DJANGO_DEBUG", "True")
        os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
        os.environ.pop("DATABASE_REPLICA_URL", None)
        import django
        from django.core.management import call_command

        django.setup()
        # Constraint checks that meet the crash log a warning each; the drill counts those attempts itself.
        logging.getLogger("django.db.models").setLevel(logging.ERROR)
        migrating = time.monotonic()
        call_command("migrate", verbosity=0)
        print(f"app migrated on the primary in {time.monotonic() - migrating:.1f} s")
        result = run_drill(cluster, db=DRILL_DB, before=args.before, after=args.after)
        print("\n".join(result.lines()))
        return 1 if result.audit_broken else 0


if __name__ == "__main__":
    sys.exit(main())
