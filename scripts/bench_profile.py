"""The pages' cost in one process, steadier than wrk on a shared machine: CPU time, queries and time in SQL per page.

Run against a database `make bench SECTIONS=pages` kept (BENCH_KEEP_DB=1), with production's settings:

    DATABASE_URL=postgres://.../h7_bench_1234 .venv/bin/python scripts/bench_profile.py [page ...] [--profile page]

Each page is requested through django.test.Client (no HTTP server: what is measured is the application) 3 times to
warm up, then BENCH_PROFILE_REQUESTS times (default 40). Printed per page: the median CPU time of the process per
request (what a loaded machine disturbs least), the median wall time, the queries and the wall time spent waiting
for them. `--profile page` prints cProfile's 40 most expensive functions (cumulative) for that page instead.
"""

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
sys.path[:0] = [str(SCRIPTS.parent), str(SCRIPTS)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-profile-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "40"))


class SqlTimer:
    """connection.execute_wrapper: the queries of a request and the wall time spent in them."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - start


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from bench_seed import BENCH_PASSWORD
    from django.db import connection
    from django.test import Client

    from accounts.models import Position
    from proposals.models import Proposal
    from proposals.transitions import Status

    profile = None
    if "--profile" in argv:
        at = argv.index("--profile")
        profile = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    province = Position.objects.filter(unit__code="BENCH-P")
    chairman = province.get(role=Position.Role.HEAD, end_date__isnull=True).person
    inspector = province.get(role=Position.Role.INSPECTOR).person
    detail = Proposal.objects.filter(decision_unit__code="BENCH-P", status=Status.CLOSED).order_by("-pk").first()
    # The browser sequence's two GETs (bench_pages.browser_sequence): the form of a cadre who may propose, and the edit
    # page of a seeded draft, read as its author (a GET writes nothing: the database stays as it was).
    draft = Proposal.objects.filter(unit__parent__code="BENCH-P", status=Status.DRAFT).order_by("pk").first()
    clients = {}
    for name, person in (("inspector", inspector), ("chairman", chairman), ("proposer", draft.proposer)):
        clients[name] = Client()
        # Through the login form, as the benchmark does (force_login would skip what the sign-in records).
        response = clients[name].post("/tai-khoan/dang-nhap/", {"username": person.username, "password": BENCH_PASSWORD})
        assert response.status_code == 302, (person.username, response.status_code)
    pages = {
        "floor": ("inspector", "/bench-floor/"),
        "shell": ("chairman", "/bench-shell/"),
        "list": ("inspector", "/de-xuat/"),
        "chairman-list": ("chairman", "/de-xuat/"),
        "search": ("inspector", "/de-xuat/?q=cai+cach"),
        "inbox": ("chairman", "/de-xuat/viec-can-xu-ly/"),
        "detail": ("chairman", f"/de-xuat/{detail.pk}/"),
        "home": ("chairman", "/"),
        "form": ("proposer", "/de-xuat/moi/"),
        "edit": ("proposer", f"/de-xuat/{draft.pk}/sua/"),
    }
    chosen = argv or list(pages)
    if profile:
        chosen = [profile]
    print(f"{'page':<15} {'cpu ms':>8} {'wall ms':>8} {'queries':>8} {'sql ms':>8} {'kB':>6}")
    for name in chosen:
        who, path = pages[name]
        client = clients[who]
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        cpu, wall, sql, queries = [], [], [], 0
        profiler = cProfile.Profile() if profile else None
        for _ in range(REQUESTS):
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                c0, w0 = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.enable()
                response = client.get(path)
                if profiler:
                    profiler.disable()
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
            sql.append(timer.seconds * 1000)
            queries = timer.count
        print(f"{name:<15} {statistics.median(cpu):8.1f} {statistics.median(wall):8.1f} {queries:8d} "
              f"{statistics.median(sql):8.1f} {len(response.content) / 1000:6.0f}")
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(int(os.environ.get("BENCH_PROFILE_LINES", "40")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
