"""Two web nodes behind HAProxy, on a PostgreSQL primary with a streaming replica (issue 14, Acceptance).

One walk through the balancer, round robin without stickiness: the cadre submits through node A, the head decides
through node B, the decision PDF comes back through node A with the SHA-256 the decision recorded; node A is then
killed, HAProxy marks it down, and the walk goes on through node B: the head orders the annual report, which a
Celery worker computes, reading from the replica. Every node has a var/ folder of its own: only the database, Redis,
the document store and the settings are shared, as in a real deployment (deploy/multi-node.md).

Everything is started once for the module (scripts/pgcluster.py, scripts/webcluster.py); the schema is copied from
this run's test database rather than migrated again. `make cluster-test` runs this module, then measures req/s.
"""

import concurrent.futures
import contextlib
import dataclasses
import datetime
import hashlib
import os
import re
import shutil
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from accounts.models import Position
from approvals import documents as approvals_documents
from approvals.models import Decision, Vote
from proposals.models import LegalProfile, Proposal
from proposals.selectors import DEFAULT_PROFILE_CODE
from proposals.transitions import Status
from reports.models import ReportRun
from scripts import pgcluster
from scripts.bench_pages import Client, create_and_submit
from scripts.webcluster import HEALTH_PATH, WebCluster, haproxy_available, node_env
from tests.factories import DEMO_PASSWORD, OrgUnitFactory, PositionFactory, UserFactory
from tests.lifecycle import PDF_BYTES, meeting_with_votes, submitted_proposal

pytestmark = [
    # The test database must exist (pytest-django creates it only for tests that ask): its schema is copied to the
    # cluster. The test's own transaction on it stays empty: the ORM works on the cluster in threads (on_cluster).
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(not haproxy_available(), reason="needs Debian's haproxy (apt-get install haproxy)"),
    pytest.mark.skipif(not pgcluster.available(), reason="needs the PostgreSQL server binaries (initdb)"),
]

DATABASE = "decree73"
A, B = "node-a", "node-b"


class Cluster:
    def __init__(self, pg, web, documents, people):
        self.pg, self.web, self.documents, self.people = pg, web, documents, people

    def run(self, function, *args, **kwargs):
        return on_cluster(self.pg.primary_url(DATABASE), self.documents, function, *args, **kwargs)


def on_cluster(url: str, documents, function, *args, **kwargs):
    """`function(*args, **kwargs)` with the ORM on the cluster's primary and its document store, to arrange what the
    walk does not do through pages and to read what it must check. In a thread of its own, whose connection is its
    own: this thread's stays in pytest-django's transaction on the test database, untouched."""

    def call():
        before = pgcluster.point_django_at(url)
        try:
            with override_settings(MEDIA_ROOT=documents):
                return function(*args, **kwargs)
        finally:
            pgcluster.restore_django(before)

    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(call).result()


def seed() -> dict:
    """A province, its department with a head, and a cadre of the department who proposes (the walk's people)."""
    LegalProfile.objects.get_or_create(code=DEFAULT_PROFILE_CODE, version=1)  # gone if a flush ran before the dump
    province = OrgUnitFactory(code="UBND-CL", name="Ủy ban nhân dân tỉnh Cụm Máy", abbreviation="UBND")
    department = OrgUnitFactory(code="SNV-CL", name="Sở Nội vụ tỉnh Cụm Máy", abbreviation="SNV", parent=province)
    people = {"department": department}
    for key, role, title in (("head", Position.Role.HEAD, "Giám đốc"), ("proposer", Position.Role.STAFF, "Chuyên viên")):
        people[key] = UserFactory(username=f"cluster-{key}")
        PositionFactory(person=people[key], unit=department, role=role, title=title, start_date=datetime.date(2024, 1, 1))
    return people


TIMES: dict[str, float] = {}


@contextlib.contextmanager
def timed(label: str):
    """How long each part took, printed at the end of the module (`pytest -s`, `make cluster-test`)."""
    start = time.monotonic()
    yield
    TIMES[label] = time.monotonic() - start


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    base = tmp_path_factory.mktemp("cluster")
    documents = base / "documents"  # the shared document store (a network mount in production)
    documents.mkdir()
    primary_port, replica_port = pgcluster.free_ports(2)
    pg = pgcluster.PgCluster(base, primary_port, replica_port)
    env = node_env(database_url=pg.primary_url(DATABASE), replica_url=pg.replica_url(DATABASE),
                   redis_url=settings.REDIS_URL, media_root=documents)
    web = WebCluster(base, env=env, worker=True)
    try:
        with timed("nodes spawned; primary + replica started; test database copied"):
            web.spawn()  # the nodes import Django meanwhile
            pg.start()
            pg.copy_database(pgcluster.database_url(connection.settings_dict), DATABASE)
        with timed("people seeded"), django_db_blocker.unblock():
            people = on_cluster(pg.primary_url(DATABASE), documents, seed)
        with timed("HAProxy sees both nodes UP"):
            web.wait_ready()
        yield Cluster(pg, web, documents, people)
    finally:
        with timed("web cluster stopped"):
            web.stop()
        with timed("primary + replica stopped"):
            pg.stop()
        _forget_redis_keys(env["CELERY_BROKER_KEY_PREFIX"])
        print("\n".join(f"  {label:<52} {seconds:6.1f} s" for label, seconds in TIMES.items()))


def _forget_redis_keys(prefix: str) -> None:
    """The cluster's own keys (broker queues, cache, sessions) out of the shared Redis: only those, never a flush."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}*", count=500):
        client.delete(key)


def served_by(client: Client) -> str:
    return client.headers["X-Served-By"]


def next_through(client: Client, node: str) -> None:
    """Make the balancer's next request go to `node`: round robin alternates, so cheap requests until the last one
    came from the other node. (With one node left, every request goes to it anyway.)"""
    for _ in range(4):
        client.get(HEALTH_PATH)
        if served_by(client) != node:
            return
    raise AssertionError(f"the balancer keeps sending requests to {node}: is the other node down?")


def test_a_proposal_walks_from_node_a_to_node_b_and_back_and_on_when_node_a_dies(cluster, monkeypatch):
    proposer = Client(cluster.web.balancer_port).log_in("cluster-proposer", DEMO_PASSWORD)
    head = Client(cluster.web.balancer_port).log_in("cluster-head", DEMO_PASSWORD)

    # The cadre submits through node A (the form was read on A, the draft created on B: create_and_submit).
    next_through(proposer, A)
    with timed("walk: submitted through A"):
        _, _, pk = create_and_submit(proposer, 1)
    assert served_by(proposer) == A
    proposal = cluster.run(Proposal.objects.select_related("proposer").get, pk=pk)
    assert proposal.status == Status.SUBMITTED and proposal.proposer.username == "cluster-proposer"
    # The collective's meeting, in the services (its pages are not what this test is about): the head votes for.
    # Its minutes are stored as a stand-in PDF, as tests/conftest.py does for plans: rendering is not tested here.
    monkeypatch.setattr(approvals_documents, "MINUTES", dataclasses.replace(approvals_documents.MINUTES,
                                                                            render=lambda *args, **kwargs: PDF_BYTES))
    head_person = cluster.people["head"]
    cluster.run(meeting_with_votes, proposal=proposal, by=head_person, votes={head_person: Vote.Choice.FOR}, close=True)

    # The head decides through node B: the decision and its PDF are issued there, into the shared store.
    next_through(head, B)
    with timed("walk: approved through B"):
        status, location, body = head.post(f"/xet-duyet/{pk}/cho-trien-khai/", {
            "approve-text": "Cho triển khai thực hiện đề xuất theo kế hoạch đã được tập thể lãnh đạo thông qua.",
            "approve-competence_confirmed": "on",
        })
    assert (status, served_by(head)) == (302, B), body[:2000]
    assert cluster.run(Proposal.objects.get, pk=pk).status == Status.APPROVED
    decision = cluster.run(Decision.objects.get, proposal_id=pk, kind=Decision.Kind.APPROVAL)

    # The decision PDF through node A, byte for byte what node B stored and hashed.
    pdf_path = f"/xet-duyet/{pk}/van-ban/{decision.pk}.pdf"
    next_through(proposer, A)
    status, _, _ = proposer.get(pdf_path)
    assert (status, served_by(proposer)) == (200, A)
    assert proposer.body.startswith(b"%PDF") and hashlib.sha256(proposer.body).hexdigest() == decision.pdf_sha256

    # Node A dies; HAProxy's health check takes it out, and every request goes to node B.
    with timed("walk: node A killed, HAProxy marks it DOWN"):
        cluster.web.kill(A)
        cluster.web.wait_status(A, "DOWN", timeout=10)
    for _ in range(3):
        status, _, _ = proposer.get(pdf_path)
        assert (status, served_by(proposer)) == (200, B)
        assert hashlib.sha256(proposer.body).hexdigest() == decision.pdf_sha256

    # The head orders the annual report through B (signed in on whichever node, still signed in); the worker
    # computes it on the replica.
    year = timezone.localdate().year
    rows_before = _rows_read_on_replica(cluster)
    status, location, body = head.post("/bao-cao/nam/lap/", {
        "unit": cluster.people["department"].pk, "year": year, "period_kind": LegalProfile.ReportPeriod.CALENDAR,
    })
    assert (status, served_by(head)) == (302, B), body[:2000]
    report_pk = int(re.search(r"/bao-cao/nam/(\d+)/", location).group(1))
    with timed("walk: annual report computed by the worker"):
        run = _finished_run(cluster, report_pk)
    assert run.state == ReportRun.State.DONE, run.error or cluster.web.log("worker")
    assert run.detail_rows == 1  # the proposal approved above
    # Read on the replica: proposals were read there while the worker computed the report (nothing else reads them
    # there meanwhile).
    assert _rows_read_on_replica(cluster, since=rows_before), cluster.web.log("worker")
    status, _, page = head.get(f"/bao-cao/nam/{report_pk}/")
    assert (status, served_by(head)) == (200, B)


def _rows_read_on_replica(cluster: Cluster, since: int = 0, timeout: float = 10) -> int:
    """How many rows of the proposals table were read on the replica (its own statistics), beyond `since`; waits up
    to `timeout` for more when there are none yet (a backend publishes its counts when its transaction ends)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = cluster.pg.sql(cluster.pg.replica_url(DATABASE), (
            "SELECT coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0) FROM pg_stat_user_tables"
            " WHERE relname = 'proposals_proposal'"
        )) - since
        if rows > 0 or not since or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def _finished_run(cluster: Cluster, report_pk: int, timeout: float = 30) -> ReportRun:
    deadline = time.monotonic() + timeout
    while True:
        run = cluster.run(ReportRun.objects.filter(report_id=report_pk).order_by("-version").first)
        if run.state in (ReportRun.State.DONE, ReportRun.State.FAILED) or time.monotonic() > deadline:
            return run
        time.sleep(0.2)



BENCH_PROPOSALS = int(os.environ.get("CLUSTER_BENCH_PROPOSALS", "300"))


@pytest.mark.skipif(not os.environ.get("CLUSTER_BENCH"), reason="req/s per node: `make cluster-test` (CLUSTER_BENCH=1)")
@pytest.mark.skipif(not shutil.which("wrk"), reason="needs Debian's wrk (apt-get install wrk)")
def test_requests_per_second_one_node_and_two_behind_haproxy(cluster, tmp_path):
    """Not a check but a measurement (issue 14 §1): wrk against one node directly, then against HAProxy in front of
    two, on a few hundred proposals; the table is printed (`make cluster-test`). Fails only on an error answer."""
    from scripts.bench_pages import WRK_SECONDS, under_load

    proposer = cluster.people["proposer"]
    with timed(f"bench: {BENCH_PROPOSALS} proposals submitted"):
        pks = cluster.run(lambda: [submitted_proposal(proposer=proposer).pk for _ in range(BENCH_PROPOSALS)])
    with WebCluster(tmp_path, env=cluster.web.env) as web:
        head = Client(web.balancer_port).log_in("cluster-head", DEMO_PASSWORD)
        pages = [("proposal list (head)", "/de-xuat/"), ("proposal page (head)", f"/de-xuat/{pks[-1]}/"),
                 ("login page (anonymous)", "/tai-khoan/dang-nhap/")]
        rows = []
        for label, path in pages:
            for _ in range(8):  # warm-up: every worker of both nodes loads its templates and modules first
                head.get(path)
            # Two connections per gunicorn worker in play: enough to keep each busy, not a queue measuring itself.
            one = under_load(web.ports[A], head, path, connections=2 * web.workers)
            two = under_load(web.balancer_port, head, path, connections=2 * 2 * web.workers)
            rows.append((label, one, two))
    load = os.getloadavg()[0]
    print(f"\n  {BENCH_PROPOSALS} proposals; wrk -t2 -d{WRK_SECONDS}s, 2 connections per gunicorn worker; {web.workers} "
          f"sync workers per node; {os.cpu_count()} CPU cores shared by every process (load average {load:.1f})")
    print(f"  {'page':<26} {'1 node req/s':>13} {'2 nodes via HAProxy':>20} {'per node':>9}   p50 ms 1 / 2 nodes")
    for label, one, two in rows:
        print(f"  {label:<26} {one['rps']:>13.1f} {two['rps']:>20.1f} {two['rps'] / 2:>9.1f}   "
              f"{one['latency'].get('50', 0):.0f} / {two['latency'].get('50', 0):.0f}")
    assert all(one["non_2xx"] == two["non_2xx"] == 0 for _, one, two in rows)
