"""The failover drill in the suite (issue 14 §6), a short version of `make drill-failover`: a writer starting
proposals through the service on the primary, the primary stopped (immediate), the replica promoted, the app pointed
at it, and the work goes on; no acknowledged write lost, the audit chain intact.

The replication is synchronous here (the primary acknowledges a commit once the replica has it), so that "nothing
lost" is a guarantee the test can hold PostgreSQL to; `make drill-failover` measures the asynchronous default.
"""

import pytest
from django.db import connections

from proposals.models import Proposal
from proposals.services import proposal_create_draft
from scripts import pgcluster
from scripts.drill_failover import run_drill, seed_writer
from tests.pgharness import app_on_cluster

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not pgcluster.available(), reason="needs the PostgreSQL server binaries (initdb, pg_ctl)"),
]


def test_after_the_primary_crashes_the_promoted_replica_takes_the_writes_and_loses_none(
    django_db_setup, django_db_blocker, tmp_path,
):
    primary_port, replica_port = pgcluster.free_ports(2)
    with django_db_blocker.unblock(), pgcluster.PgCluster(
        tmp_path, primary_port, replica_port, synchronous=True
    ) as cluster, app_on_cluster(cluster, replica=False):
        database = connections["default"].settings_dict["NAME"]  # the test database's copy, on the cluster
        result = run_drill(cluster, db=database, before=1, after=1, log=lambda line: None)

    print("\n".join(result.lines()))  # the figures, with -s
    assert result.writes_before > 0 and result.writes_after > 0
    assert result.lost == []
    assert result.audit_broken == "" and result.audit_checked >= result.writes_before + result.writes_after
    assert result.downtime_seconds < 10, result.lines()


@pytest.mark.django_db
def test_the_drills_cadre_may_start_a_proposal():
    """What the drill's writer does, once, on the test database (this test also makes pytest-django create the
    database that the drill copies when the module runs alone)."""
    cadre, position = seed_writer()
    proposal = proposal_create_draft(by=cadre, position=position, data={"title": "Một lần ghi của diễn tập"})
    assert Proposal.objects.get(pk=proposal.pk).proposer == cadre
