"""The web tier at scale (`make bench SECTIONS=nodes`, issue 14 Acceptance): req/s of one gunicorn node and of two
behind HAProxy on the bench database (200,000 proposals; BENCH_DB reuses a kept one), then how many nodes the
1,000,000-proposal national target needs, from a load model whose every parameter is an environment variable.

Environment (all optional; the sizing's defaults are argued in deploy/multi-node.md, "Sizing"):
- BENCH_NODES_CONNECTIONS (16): wrk's connections, for one node and for two alike; BENCH_WRK_SECONDS (10) its duration;
- SIZING_PROPOSALS (1000000): the target's proposals; only the database's size follows it (see `sizing`);
- SIZING_PEAK_USERS (20000): people using the system in its busiest hour;
- SIZING_VIEWS_PER_USER_HOUR (30): pages each of them opens in that hour;
- SIZING_BURST (2): the busiest second's rate ÷ the busiest hour's average rate;
- SIZING_MIX (list=0.35,detail=0.30,inbox=0.20,home=0.15): the share of each measured page in those views;
- SIZING_UTILISATION (0.6): the share of a node's measured req/s the plan uses (headroom for slower pages, spikes);
- SIZING_SPARE_NODES (1): nodes added so that the loss of one (or more) leaves enough.
"""

import dataclasses
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

CONNECTIONS = int(os.environ.get("BENCH_NODES_CONNECTIONS", "16"))
# The pages a day's work opens most, by the name SIZING_MIX gives them, with who opens them.
PAGES = ("list", "detail", "inbox", "home")

# wrk's --latency prints 50/75/90/99 %; the 95th comes from its Lua `done` hook (latency in microseconds).
WRK_SCRIPT = """done = function(summary, latency, requests)
  io.write(string.format("PERCENTILES %.3f %.3f %.3f\\n", latency:percentile(50) / 1000,
                         latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclasses.dataclass(frozen=True)
class LoadModel:
    """The national target's load, from the environment (module docstring); `parse` refuses what makes no sense."""

    proposals: int = 1_000_000
    peak_users: int = 20_000
    views_per_user_hour: float = 30
    burst: float = 2
    mix: tuple[tuple[str, float], ...] = (("list", 0.35), ("detail", 0.30), ("inbox", 0.20), ("home", 0.15))
    utilisation: float = 0.6
    spare_nodes: int = 1

    @classmethod
    def from_environ(cls, environ=os.environ) -> "LoadModel":
        default = cls()
        mix = environ.get("SIZING_MIX")
        return cls(
            proposals=int(environ.get("SIZING_PROPOSALS", default.proposals)),
            peak_users=int(environ.get("SIZING_PEAK_USERS", default.peak_users)),
            views_per_user_hour=float(environ.get("SIZING_VIEWS_PER_USER_HOUR", default.views_per_user_hour)),
            burst=float(environ.get("SIZING_BURST", default.burst)),
            mix=parse_mix(mix) if mix else default.mix,
            utilisation=float(environ.get("SIZING_UTILISATION", default.utilisation)),
            spare_nodes=int(environ.get("SIZING_SPARE_NODES", default.spare_nodes)),
        ).checked()

    def checked(self) -> "LoadModel":
        if min(self.proposals, self.peak_users, self.views_per_user_hour) <= 0 or self.burst < 1:
            raise ValueError("SIZING_PROPOSALS, SIZING_PEAK_USERS, SIZING_VIEWS_PER_USER_HOUR must be > 0, SIZING_BURST ≥ 1.")
        if not 0 < self.utilisation <= 1 or self.spare_nodes < 0:
            raise ValueError("SIZING_UTILISATION must be in (0, 1], SIZING_SPARE_NODES ≥ 0.")
        return self


def parse_mix(text: str) -> tuple[tuple[str, float], ...]:
    """"list=0.35,detail=0.3,..." → ((page, share), ...): known pages only, shares summing to 1 (a typo must not
    size a deployment silently)."""
    mix = []
    for part in text.split(","):
        name, _, share = part.partition("=")
        name = name.strip()
        if name not in PAGES or not re.fullmatch(r"\s*\d+(\.\d+)?\s*", share):
            raise ValueError(f"SIZING_MIX: {part!r} is not page=share with page one of {', '.join(PAGES)}.")
        mix.append((name, float(share)))
    if len({name for name, _ in mix}) != len(mix) or abs(sum(share for _, share in mix) - 1) > 0.001:
        raise ValueError(f"SIZING_MIX: each page once, shares summing to 1 (got {text!r}).")
    return tuple(mix)


@dataclasses.dataclass(frozen=True)
class Sizing:
    demand_rps: float  # the busiest second's page views
    node_rps: float  # one node's req/s on the mix, measured
    planned_rps: float  # of which the plan uses
    nodes: int  # to carry the demand
    total: int  # with the spare(s)


def sizing(model: LoadModel, node_rps: dict[str, float]) -> Sizing:
    """Nodes for the model's busiest second, given one node's measured req/s per page. A mix costs each page's time
    in proportion to its share, so the node's rate on it is the weighted harmonic mean: 1 / Σ share ÷ req/s.
    The number of proposals does not enter: with keyset pages and indexes a page's cost does not grow with the rows
    (the section measures page 50 against page 1); what grows with them is the database (sized apart)."""
    demand = model.peak_users * model.views_per_user_hour / 3600 * model.burst
    node = 1 / sum(share / node_rps[page] for page, share in model.mix)
    planned = node * model.utilisation
    nodes = max(1, math.ceil(demand / planned))
    return Sizing(demand_rps=demand, node_rps=node, planned_rps=planned, nodes=nodes, total=nodes + model.spare_nodes)


# --- Measuring --------------------------------------------------------------------------------------------------


def wrk(port: int, cookie: str, path: str, script: Path) -> dict:
    """wrk at CONNECTIONS for BENCH_WRK_SECONDS: req/s, p50/p95/p99 (ms) and the answers other than 2xx/3xx."""
    import bench_pages

    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{bench_pages.WRK_SECONDS}s", "--timeout", "30s", "-s", str(script),
         "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    p50, p95, p99 = (float(value) for value in re.search(r"PERCENTILES (\S+) (\S+) (\S+)", output).groups())
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "p50": p50, "p95": p95, "p99": p99,
            "non_2xx": int(bad.group(1)) if bad else 0}


def database_size() -> tuple[int, int, int]:
    """(proposals, bytes of the whole database, bytes of the proposals table with its indexes and TOAST)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM proposals_proposal), pg_database_size(current_database()), "
                       "pg_total_relation_size('proposals_proposal')")
        return cursor.fetchone()


def run(bench, seed_proposals) -> None:
    """Seed or find the province (bench_pages.province), start two nodes and HAProxy on its database, measure one
    node directly and both through HAProxy, then print the sizing."""
    import bench_pages  # here, not at the top: the load model above is imported by tests without scripts/ on the path
    from bench_seed import BENCH_PASSWORD
    from django.db import connection

    from proposals.models import Proposal
    from proposals.transitions import Status
    from scripts.webcluster import WebCluster, haproxy_available, node_env

    model = LoadModel.from_environ()  # first: a bad SIZING_* fails before minutes of measuring
    if not shutil.which("wrk") or not haproxy_available():
        print("  needs Debian's wrk and haproxy (apt-get install wrk haproxy).")
        return
    org = bench_pages.province(bench, seed_proposals)
    people = org.people
    detail = (Proposal.objects.filter(decision_unit=org.province, status=Status.CLOSED).order_by("-pk").first()
              or Proposal.objects.visible_to(people["chairman"]).order_by("-pk").first())
    proposals, database_bytes, table_bytes = database_size()
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    connection.close()  # the nodes' connections, not this idle one, are what PostgreSQL should count

    with tempfile.TemporaryDirectory(prefix="bench-nodes-") as tmp:
        script = Path(tmp) / "percentiles.lua"
        script.write_text(WRK_SCRIPT)
        media = Path(tmp) / "documents"
        media.mkdir()
        env = node_env(database_url=url, redis_url=os.environ.get("REDIS_URL", ""), media_root=media)
        started = time.perf_counter()
        # Health checks every 2 s rather than 0.5: each is a request (database, Redis, store) taken from the pages.
        with WebCluster(Path(tmp), env=env, inter_ms=2000) as web:
            print(f"  two nodes and HAProxy up in {time.perf_counter() - started:.1f} s; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            inspector = bench_pages.Client(web.balancer_port).log_in(people["inspector"].username, BENCH_PASSWORD)
            chairman = bench_pages.Client(web.balancer_port).log_in(people["chairman"].username, BENCH_PASSWORD)
            pages = [("list", "list page 1 (inspector)", inspector, "/de-xuat/"),
                     ("detail", "proposal page (chairman)", chairman, f"/de-xuat/{detail.pk}/"),
                     ("inbox", "inbox (chairman)", chairman, "/de-xuat/viec-can-xu-ly/"),
                     ("home", "home (chairman)", chairman, "/")]
            # Page 1 against page 50 one request at a time on node A: the evidence that a list page's cost does
            # not grow with the rows before it (keyset pages), which the sizing relies on.
            direct = bench_pages.Client(web.ports["node-a"])
            direct.cookies = dict(inspector.cookies)
            p50_path, how = bench_pages.page_50(direct, "/de-xuat/")
            depth = [bench_pages.sequential(direct, path) for path in ("/de-xuat/", p50_path)]
            rows = {}
            for key, label, client, path in pages:
                for _ in range(8):  # warm-up: every worker of both nodes loads its templates and modules first
                    client.get(path)
                cookie = client.cookie_header()
                rows[key] = (label, wrk(web.ports["node-a"], cookie, path, script),
                             wrk(web.balancer_port, cookie, path, script))
            load = os.getloadavg()

    print(f"\n  {proposals:,} proposals; wrk -t2 -c{CONNECTIONS} -d{bench_pages.WRK_SECONDS}s on each page, first on node A "
          f"alone, then on HAProxy in front of A and B; 2 sync workers per node;\n  {os.cpu_count()} CPU cores shared by "
          f"PostgreSQL, both nodes, HAProxy and wrk; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
          " (1 / 5 / 15 min)\n")
    print(f"  {'page':<26} {'1 node req/s':>12} {'p50/p95 ms':>13} {'2 nodes req/s':>14} {'p50/p95 ms':>13} "
          f"{'per node':>9}  errors")
    for label, one, two in rows.values():
        print(f"  {label:<26} {one['rps']:12.1f} {one['p50']:6.0f}/{one['p95']:<6.0f} {two['rps']:14.1f} "
              f"{two['p50']:6.0f}/{two['p95']:<6.0f} {two['rps'] / 2:9.1f}  {one['non_2xx'] + two['non_2xx'] or ''}")
    (p1, p1_95, _), (p50, p50_95, _) = depth
    print(f"\n  list page 1 vs page 50 ({how}), one request at a time on node A: p50 {p1:.1f} vs {p50:.1f} ms, "
          f"p95 {p1_95:.1f} vs {p50_95:.1f} ms ({p50 / p1:.2f}×)")
    print_sizing(model, {key: one["rps"] for key, (_label, one, _two) in rows.items()}, depth=p50 / p1,
                 proposals=proposals, database_bytes=database_bytes, table_bytes=table_bytes)
    if any(one["non_2xx"] or two["non_2xx"] for _label, one, two in rows.values()):
        print("\n  SOME ANSWERS WERE ERRORS (column 'errors'): the figures above are not capacity.")


def print_sizing(model: LoadModel, node_rps: dict[str, float], *, depth: float, proposals: int, database_bytes: int,
                 table_bytes: int) -> None:
    """The sizing for the target with its arithmetic, from one node's measured req/s."""
    unmeasured = [page for page, _share in model.mix if not node_rps.get(page)]
    if unmeasured:
        print(f"\n  No sizing: no request to {', '.join(unmeasured)} completed within BENCH_WRK_SECONDS "
              f"({os.environ.get('BENCH_WRK_SECONDS', '10')} s); raise it.")
        return
    result = sizing(model, node_rps)
    harmonic = " + ".join(f"{share:.2f} ÷ {node_rps[page]:.1f}" for page, share in model.mix)
    scale = model.proposals / proposals
    print(f"\n  Sizing for {model.proposals:,} proposals (load model: deploy/multi-node.md, SIZING_* variables)")
    print(f"  peak demand  = {model.peak_users:,} users × {model.views_per_user_hour:g} views/h ÷ 3600 × burst "
          f"{model.burst:g} = {result.demand_rps:.1f} req/s")
    print(f"  one node     = 1 ÷ ({harmonic}) = {result.node_rps:.1f} req/s on the mix (the 1-node column: node B idle;"
          "\n                 the 2-node 'per node' column is lower here only because both nodes share these same "
          "cores)")
    print(f"  planned      = {result.node_rps:.1f} × utilisation {model.utilisation:g} = {result.planned_rps:.1f} req/s "
          f"per node")
    print(f"  web nodes    = ⌈{result.demand_rps:.1f} ÷ {result.planned_rps:.1f}⌉ = {result.nodes}, + "
          f"{model.spare_nodes} to survive the loss of one = {result.total} nodes of this size (2 sync workers, "
          f"2 cores)")
    print(f"  the rows do not enter where a page reads through keyset pages and indexes: the list's page 50 costs "
          f"{depth:.2f}× its page 1 (above);\n  a page whose queries still grow with the rows costs more at "
          f"{model.proposals:,} than at {proposals:,}, which makes the count a lower bound until it is fixed.\n"
          "  What grows with the rows is PostgreSQL:")
    print(f"  database     = {database_bytes / 1e9:.2f} GB at {proposals:,} proposals (proposals table and its "
          f"indexes {table_bytes / 1e9:.2f} GB) × {scale:.1f} ≈ {database_bytes * scale / 1e9:.1f} GB "
          f"(linear: rows, indexes, audit and versions grow with proposals; documents are apart, in the store)")
    print(f"  connections  = {result.total} nodes × workers per node + Celery workers, under max_connections "
          "(or PgBouncer): 2 workers → "
          f"{result.total * 2} + workers")
    print("  reports      = on the streaming replica (DATABASE_REPLICA_URL): exports and the annual report over "
          f"{model.proposals:,} rows leave the primary to the pages;\n  workers      = Celery queues reminders, "
          "reports, documents scale apart (deploy/celery.md): reports and documents by the hour's exports and PDFs, "
          "not by the rows")
