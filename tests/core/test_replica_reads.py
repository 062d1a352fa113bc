"""Reads on a real streaming replica (issue 14 §3): reports read there, writes never do, and a replica too far
behind or down sends the reads back to the primary.

The cluster (scripts/pgcluster.py) is started once for the module on free loopback ports, with the app's test
database copied onto its primary and Django pointed at it (tests/pgharness.py). The tests write committed rows (the
fixture opens the database to them outside pytest-django's per-test transaction: nothing is flushed, each test
makes units of its own) and wait for the replica to replay them.
"""

import logging
import time

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit, Position
from core.db_router import REPLICA, forget_replica_state, replica_reads
from proposals.models import Proposal
from reports import services
from reports.models import ReportRun
from reports.periods import Kind
from scripts import pgcluster
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.lifecycle import as_, draft_proposal, submitted_proposal
from tests.pgharness import app_on_cluster

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not pgcluster.available(), reason="needs the PostgreSQL server binaries (initdb, pg_ctl)"),
]


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    primary_port, replica_port = pgcluster.free_ports(2)
    with django_db_blocker.unblock(), pgcluster.PgCluster(
        tmp_path_factory.mktemp("pgcluster"), primary_port, replica_port
    ) as harness, app_on_cluster(harness):
        yield harness


@pytest.fixture
def replica(cluster, django_db_blocker, settings):
    """The cluster, the database open to the test, and the lag measured at every read in scope."""
    settings.REPLICA_LAG_CHECK_SECONDS = 0
    settings.REPLICA_MAX_LAG_SECONDS = 30
    forget_replica_state()
    with django_db_blocker.unblock():
        yield cluster
    forget_replica_state()


def _person(unit, role):
    person = UserFactory()
    PositionFactory(person=person, unit=unit, role=role)
    return person


@pytest.fixture
def unit(replica) -> OrgUnit:
    """A unit of the test's own, with the head a submission is routed to."""
    unit = OrgUnitFactory()
    _person(unit, Position.Role.HEAD)
    return unit


def _in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def _reads_to(model=Proposal) -> str:
    """Where a read of `model` in the replica scope goes now."""
    with replica_reads():
        return model.objects.all().db


def test_the_annual_report_is_computed_on_the_replica_and_stored_on_the_primary(replica, unit, monkeypatch):
    proposer, secretariat = _person(unit, Position.Role.STAFF), _person(unit, Position.Role.SECRETARIAT)
    proposal = submitted_proposal(proposer=proposer)
    enqueued = []
    monkeypatch.setattr("reports.tasks.produce_report.delay", enqueued.append)
    # The PDF reads nothing the CSV and XLSX did not (tests/reports covers it); rendering it costs seconds here.
    monkeypatch.setattr("reports.exports.render_annual_pdf", lambda document: b"%PDF-1.7 stand-in")
    run = services.order_annual_report(
        user=secretariat, unit=unit, year=timezone.localdate().year, period_kind=Kind.CALENDAR,
        today=timezone.localdate(),
    )
    assert enqueued == [run.pk]
    replica.wait_replayed()

    with CaptureQueriesContext(connections[REPLICA]) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        done = services.produce_run(run.pk)  # what the Celery task runs

    assert done.state == ReportRun.State.DONE and done.detail_rows == 1
    assert done.figures["total"]["values"]["c2_received"] == 1  # the replica had the replicated proposal
    replica_sql = [query["sql"] for query in on_replica.captured_queries]
    assert any('"proposals_proposal"' in sql for sql in replica_sql), replica_sql  # the figures and detail rows
    assert all(sql.lstrip().upper().startswith(("SELECT", "DECLARE", "CLOSE")) for sql in replica_sql), replica_sql
    primary_sql = " ".join(query["sql"] for query in on_primary.captured_queries)
    assert 'UPDATE "reports_reportrun"' in primary_sql and 'INSERT INTO "core_auditevent"' in primary_sql
    assert _in_recovery(REPLICA) and not _in_recovery("default")
    assert proposal.code in ReportRun.objects.get(pk=run.pk).detail_csv.read().decode("utf-8-sig")


def test_the_dashboard_reads_its_figures_on_the_replica_and_who_may_read_on_the_primary(replica, unit):
    head = Position.objects.get(unit=unit, role=Position.Role.HEAD).person
    submitted_proposal(proposer=_person(unit, Position.Role.STAFF))
    replica.wait_replayed()
    client = as_(head)

    with CaptureQueriesContext(connections[REPLICA]) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get(reverse("reports:dashboard"), {"unit": unit.pk, "year": timezone.localdate().year})

    assert response.status_code == 200 and response.context["received"].total == 1
    assert any('"proposals_proposal"' in query["sql"] for query in on_replica.captured_queries)
    assert any('"accounts_position"' in query["sql"] for query in on_primary.captured_queries)


def test_writes_and_reads_inside_a_transaction_stay_on_the_primary(replica, unit):
    proposer = _person(unit, Position.Role.STAFF)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, replica_reads():
        proposal = draft_proposal(proposer=proposer)  # a service: its own transaction, its audit event
        with transaction.atomic():
            Proposal.objects.filter(pk=proposal.pk).update(title="Đổi tên trong giao dịch")
            # The transaction reads its own write: on the primary, where it is.
            assert Proposal.objects.get(pk=proposal.pk).title == "Đổi tên trong giao dịch"
        assert Proposal.objects.all().db == REPLICA  # outside a transaction the scope reads on the replica
    assert not any(
        query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for query in on_replica.captured_queries
    )
    assert Proposal.objects.using("default").filter(pk=proposal.pk).exists()
    assert _reads_to() == REPLICA and Proposal.objects.all().db == "default"  # and nothing reads there unasked


def test_a_replica_past_the_lag_bound_sends_the_reads_to_the_primary(replica, unit, settings, caplog):
    replica.wait_replayed()
    replica.pause_replay()
    try:
        late = OrgUnitFactory(name="Đơn vị ghi khi bản sao dừng áp dụng")
        time.sleep(1.2)  # the replica has this write's WAL but has not applied it for over a second

        settings.REPLICA_MAX_LAG_SECONDS = 3600
        assert _reads_to(OrgUnit) == REPLICA
        with replica_reads():
            assert not OrgUnit.objects.filter(pk=late.pk).exists()  # within the bound: stale, as allowed

        settings.REPLICA_MAX_LAG_SECONDS = 1
        with caplog.at_level(logging.WARNING, logger="core.db_router"):
            assert _reads_to(OrgUnit) == "default"
            with replica_reads():
                assert OrgUnit.objects.filter(pk=late.pk).exists()
        assert "behind (bound 1 s)" in caplog.text
    finally:
        replica.resume_replay()
    replica.wait_replayed()
    assert _reads_to(OrgUnit) == REPLICA  # caught up: back on the replica


def test_a_replica_with_nothing_to_replay_is_not_behind_however_old_its_last_transaction(replica, settings):
    replica.wait_replayed()
    time.sleep(1.2)  # no write since: the last replayed transaction ages, the replica is still current
    settings.REPLICA_MAX_LAG_SECONDS = 1
    assert _reads_to() == REPLICA


def test_a_stopped_replica_sends_the_reads_to_the_primary(replica, unit, caplog):
    assert _reads_to() == REPLICA
    replica.stop_replica()
    try:
        with caplog.at_level(logging.WARNING, logger="core.db_router"):
            with replica_reads():
                assert Proposal.objects.all().db == "default"
                assert OrgUnit.objects.filter(pk=unit.pk).exists()  # the report still runs, on the primary
        assert "Replica unreachable" in caplog.text
    finally:
        replica.start_replica()
    assert _reads_to() == REPLICA  # back once it is up again


def test_the_lag_is_measured_at_most_once_per_check_interval(replica, settings):
    settings.REPLICA_LAG_CHECK_SECONDS = 60
    forget_replica_state()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        for _ in range(3):
            assert _reads_to() == REPLICA
    assert len([q for q in on_replica.captured_queries if "pg_last_wal_replay_lsn" in q["sql"]]) == 1



@pytest.mark.django_db
def test_without_a_replica_configured_the_scope_reads_on_the_primary(monkeypatch, django_assert_num_queries):
    """DATABASE_REPLICA_URL empty: the router is inert, and measures nothing. (Also what makes pytest-django create
    the test database that the cluster copies when this module runs alone.)"""
    monkeypatch.delitem(django_settings.DATABASES, REPLICA, raising=False)
    forget_replica_state()
    with replica_reads(), django_assert_num_queries(1):
        assert Proposal.objects.all().db == "default"
        assert not Proposal.objects.filter(pk=0).exists()
