"""The pages under load (`make bench SECTIONS=pages`, issue 10): gunicorn against the bench database, real logins,
each page one request at a time and under wrk, against a floor measured in the same run.

Environment (all optional):
- BENCH_PAGES_PROPOSALS (200000): proposals seeded, of which 7 % drafts;
- BENCH_PAGES_REQUESTS (60): sequential requests per page for p50/p95; BENCH_PAGES_CREATES (20): create+submit runs;
- BENCH_WRK_SECONDS (10): wrk's duration per page, 16 connections, 2 threads;
- REDIS_URL: passed to gunicorn as the application reads it;
- BENCH_PEER_URL (e.g. http://127.0.0.1:8001), BENCH_PEER_USERNAME (admin), BENCH_PEER_PASSWORD (admin) and
  BENCH_PEER_STATE (2: "accepted" in OpenSlides' simple workflow): an OpenSlides 3.3 install whose create-motion
  + set-state (POST /rest/motions/motion/, PUT …/set_state/) is timed next to our create+submit. `make bench-peer`
  (scripts/bench_peer.py) installs one from PyPI under var/peer/, runs it on port 8001 as OpenSlides runs in
  production (gunicorn, 2 uvicorn workers, PostgreSQL, Redis, DEBUG off) and prints these variables;
  `make bench-peer PEER=stop` stops it;
- CHROMIUM_PATH: the browser for the Playwright sequence (default: `chromium` on PATH, as tests/e2e).
- BENCH_KEEP_DB (bench.py): keep the database at the end, to look into a figure (EXPLAIN, a profile);
- BENCH_DB (bench.py): measure on that kept database instead of seeding (create+submit adds its few proposals).
"""

import contextlib
import html
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

SCRIPTS = Path(__file__).resolve().parent
BASE_DIR = SCRIPTS.parent
PROPOSALS = int(os.environ.get("BENCH_PAGES_PROPOSALS", "200000"))
REQUESTS = max(50, int(os.environ.get("BENCH_PAGES_REQUESTS", "60")))
CREATES = int(os.environ.get("BENCH_PAGES_CREATES", "20"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
P95_GOAL_MS, FLOOR_SHARE_GOAL = 150, 0.5


# --- The server ------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(database: str):
    """gunicorn with 2 sync workers on a free port against `database` (the throw-away one), production settings plus
    the floor's URL (scripts/bench_settings.py); yields the port and the server's log, stops it on leaving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + database).geturl()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as var:
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", "DJANGO_DEBUG": "False",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48), "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": url,
            "DJANGO_VAR_DIR": var, "PYTHONPATH": os.pathsep.join([str(SCRIPTS), str(BASE_DIR)]),
            "DJANGO_LOG_LEVEL": "WARNING",
            # Plain HTTP on 127.0.0.1: production's redirect to HTTPS (issue 11 §3) would answer every request with it.
            "DJANGO_SECURE_SSL_REDIRECT": "False",
        }
        # DEBUG off serves static files through whitenoise's manifest: collected first, as a deployment does.
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env,
                       check=True)
        log = Path(var) / "gunicorn.log"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
             "--timeout", "120", "config.wsgi:application"],
            cwd=BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if Client(port).get("/tai-khoan/dang-nhap/")[0] == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:] if log.exists() else ''}")
                time.sleep(0.5)
            yield port, log
        finally:
            server.terminate()
            server.wait(timeout=30)


class Client:
    """One browser's worth of HTTP: keep-alive where the server allows it (sync workers close), cookies by hand
    (the session and CSRF cookies are Secure, which a cookie jar would not send over http://127.0.0.1)."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.body, self.headers = b"", None  # of the last response

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body)."""
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()  # the worker closed an idle connection: once more on a new one
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        self.body = response.read()  # the raw bytes, for a PDF; `text` below for a page
        self.headers = response.headers
        text = self.body.decode(errors="replace")
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response.status, response.getheader("Location", ""), text

    def get(self, path: str) -> tuple[int, str, str]:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> tuple[int, str, str]:
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def log_in(self, username: str, password: str) -> "Client":
        """Through the login form, as a person does (no throttling or second factor to respect: plain LoginView)."""
        status, _, _ = self.get("/tai-khoan/dang-nhap/")
        status, location, _ = self.post("/tai-khoan/dang-nhap/", {"username": username, "password": password})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Could not log in as {username}: HTTP {status}")
        return self


# --- Measuring ---------------------------------------------------------------------------------------------------


def sequential(client: Client, path: str, count: int = REQUESTS) -> tuple[float, float, int]:
    """p50 and p95 (ms) of `count` requests one at a time, after 3 warm-ups, and the response size; raises on a
    status other than 200 (a page that fails is not fast)."""
    times = []
    for n in range(count + 3):
        start = time.perf_counter()
        status, _, body = client.get(path)
        elapsed = time.perf_counter() - start
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        if n >= 3:
            times.append(elapsed * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20)[18], len(body.encode())


WRK_UNITS = {"us": 0.001, "ms": 1, "s": 1000}


def under_load(port: int, client: Client, path: str, connections: int = 16) -> dict | None:
    """wrk at `connections` connections for BENCH_WRK_SECONDS: req/s and its latency distribution (ms); None without
    wrk."""
    if not shutil.which("wrk"):
        return None
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{WRK_SECONDS}s", "--latency", "--timeout", "30s",
         "-H", f"Cookie: {client.cookie_header()}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    latency = {
        share: float(value) * WRK_UNITS[unit]
        for share, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", result, re.MULTILINE)
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", result)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", result).group(1)), "latency": latency,
            "non_2xx": int(bad.group(1)) if bad else 0}


def last_error(log: Path) -> str:
    """The last exception the server logged, to print next to a page that failed."""
    errors = re.findall(r"^\w*(?:Error|Exception)\b.*$", log.read_text(errors="replace"), re.MULTILINE)
    return f" ({errors[-1]})" if errors else ""


def next_link(body: str) -> str | None:
    """The href of the page's rel="next" link (<a> or <link>), if any."""
    for tag in re.findall(r"<(?:a|link)\b[^>]*>", body):
        if re.search(r"""\brel=["'][^"']*\bnext\b""", tag):
            href = re.search(r"""\bhref=["']([^"']*)["']""", tag)
            if href:
                return html.unescape(href.group(1))
    return None


def page_50(client: Client, first: str) -> tuple[str, str]:
    """Page 50 of the list, reached as a reader does: rel="next" followed 49 times (keyset pagination); `?trang=50`
    when the list has no such link."""
    path = first
    for n in range(49):
        status, _, body = client.get(path)
        following = next_link(body) if status == 200 else None
        if following is None:
            if n == 0:
                return f"{first}?trang=50", '?trang=50 (the list has no rel="next" link)'
            raise RuntimeError(f"The list ends at page {n + 1}: no page 50.")
        path = urljoin(path, following)
    return path, 'rel="next" followed 49 times'


def form_fields(body: str) -> tuple[dict, set[str]]:
    """The first option of each <select> of the page and the names of its fields marked required."""
    selects = {name: value for name, value in re.findall(
        r'<select[^>]*\bname="([^"]+)"[^>]*>.*?<option[^>]*\bvalue="([^"]*)"', body, re.DOTALL)}
    required = {name for _tag, name in re.findall(r'<(input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*\brequired\b', body)}
    return selects, required


def plan_post(n: int) -> dict:
    """The plan form as a proposer fills it (the seeded plans' texts, dates as dd/mm/yyyy, checkboxes ticked)."""
    from bench_seed import plan_texts

    data = {"plan_form": "1"}
    for name, value in plan_texts(n).items():
        if value is True:
            data[name] = "on"
        elif value is False:
            data[name] = "False" if name == "pilot_legal_document" else ""
        elif hasattr(value, "strftime"):
            data[name] = value.strftime("%d/%m/%Y")
        else:
            data[name] = value
    data["title"] = f"Thử tải: {data['title']} ({n})"
    return {name: value for name, value in data.items() if value != ""}


def create_and_submit(client: Client, n: int) -> tuple[float, float, int]:
    """GET the form, POST create, POST submit (the edit page's "Nộp kế hoạch" button, which sends the whole plan):
    the two POSTs' times (ms) and the new proposal's id."""
    status, _, body = client.get("/de-xuat/moi/")
    if status != 200:
        raise RuntimeError(f"GET the proposal form: HTTP {status}")
    selects, required = form_fields(body)
    data = {**plan_post(n), "position": selects["position"]}
    missing = required - set(data) - {"csrfmiddlewaretoken"}
    if missing:
        raise RuntimeError(f"The form requires fields the bench does not fill: {sorted(missing)}")
    start = time.perf_counter()
    status, location, body = client.post("/de-xuat/moi/", data)
    created = time.perf_counter() - start
    match = re.search(r"/de-xuat/(\d+)/sua/", location)
    if status != 302 or not match:
        raise RuntimeError(f"POST create: HTTP {status}, {location or body[:300]}")
    pk = int(match.group(1))
    start = time.perf_counter()
    status, location, body = client.post(f"/de-xuat/{pk}/nop/", data)
    submitted = time.perf_counter() - start
    if status != 302 or not location.rstrip("/").endswith(f"/de-xuat/{pk}"):
        raise RuntimeError(f"POST submit: HTTP {status}, {location or body[:300]}")
    return created * 1000, submitted * 1000, pk


def peer_create_state() -> float | str:
    """The median (ms) of OpenSlides 3.3's create motion + set state over BENCH_PAGES_CREATES runs, or why not."""
    base = os.environ.get("BENCH_PEER_URL", "").rstrip("/")
    if not base:
        return "peer: not given (BENCH_PEER_URL)"
    parts = urlsplit(base)
    connection = (http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection)(
        parts.netloc, timeout=60)
    cookies: dict[str, str] = {}

    def call(method: str, path: str, payload: dict) -> dict:
        csrf = next((value for name, value in cookies.items() if name.lower().endswith("csrftoken")), "")
        connection.request(method, parts.path + path, body=json.dumps(payload), headers={
            "Content-Type": "application/json", "X-CSRFToken": csrf, "Referer": base + "/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        })
        response = connection.getresponse()
        text = response.read().decode()
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = cookie.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {response.status} {text[:200]}")
        return json.loads(text) if text else {}

    try:
        version = call("GET", "/apps/core/version/", {}).get("openslides_version", "?")
        if not version.startswith("3."):
            return f"peer: OpenSlides {version} at BENCH_PEER_URL, not 3.x (whose REST API this times)"
        # No CSRF check at login (DRF's session authentication checks only signed-in requests); logging in sets
        # the CSRF cookie that the writes below send back.
        call("POST", "/apps/users/login/", {"username": os.environ.get("BENCH_PEER_USERNAME", "admin"),
                                            "password": os.environ.get("BENCH_PEER_PASSWORD", "admin")})
        state = int(os.environ.get("BENCH_PEER_STATE", "2"))
        times = []
        for n in range(CREATES + 1):
            start = time.perf_counter()
            motion = call("POST", "/rest/motions/motion/", {"title": f"Thử tải {n}", "text": "<p>Nội dung thử tải.</p>"})
            # A write's answer is {"autoupdate": …, "data": <the view's answer>} (AutoupdateBundleMiddleware).
            call("PUT", f"/rest/motions/motion/{motion['data']['id']}/set_state/", {"state": state})
            if n:  # the first is a warm-up
                times.append((time.perf_counter() - start) * 1000)
    except (OSError, RuntimeError, KeyError, ValueError) as error:
        return f"peer: failed ({error})"
    return statistics.median(times)


# Fills the plan form at once (typing speed is not what is measured): text, dates, ticks, the Art. 1 answer.
FILL_FORM = """data => {
    for (const [name, value] of Object.entries(data)) {
        for (const field of document.querySelectorAll(`[name="${name}"]`)) {
            if (field.type === "checkbox") field.checked = true;
            else if (field.type === "radio") field.checked = field.value === value;
            else if (field.type !== "hidden") field.value = value;
        }
    }
}"""


# Where a page's time went, from its Navigation Timing (ms since the navigation began: the click, or goto): until the
# GET was sent (for the draft and the detail pages, the POST and its redirect), the server's answer to the GET (to its
# first byte), and the rest until the load event: the page's transfer, parsing, styles, scripts, layout.
NAVIGATION_TIMING = """() => {
    const n = performance.getEntriesByType("navigation")[0];
    return [n.requestStart, n.responseStart - n.requestStart, n.loadEventEnd - n.responseStart];
}"""
SEQUENCE_STEPS = ("form GET", "form render", "create POST+302", "edit GET", "edit render", "submit POST+302",
                  "detail GET", "detail render")


def sequence_breakdown(pages: list[list[float]], total: float) -> dict[str, float]:
    """One run's steps (SEQUENCE_STEPS) from the three pages' NAVIGATION_TIMING (the form's first figure, goto's own
    start, is left to the driver), and what is left of `total`: the browser driver's clicks, filling and waits."""
    figures = [figure for page in pages for figure in page][1:]
    steps = dict(zip(SEQUENCE_STEPS, figures, strict=True))
    steps["driver (clicks, fill, waits)"] = total - sum(figures)
    return steps


def browser_sequence(port: int, username: str, password: str, runs: int = 5) -> tuple[float, dict[str, float]] | str:
    """The median (ms) of the whole sequence in chromium (open the form, create, the draft opens, submit, the detail
    page) and the median of each of its steps (`sequence_breakdown`), or why it was skipped."""
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return "skipped: chromium is not installed (apt-get install chromium)"
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "skipped: playwright is not installed (requirements-dev.txt)"
    site = f"http://127.0.0.1:{port}"
    times, breakdowns = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page()
            page.on("dialog", lambda dialog: dialog.accept())  # "Nộp kế hoạch?" (static/js/confirm.js)
            page.goto(f"{site}/tai-khoan/dang-nhap/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            page.click("form button[type=submit]")
            page.wait_for_url(f"{site}/")
            for n in range(runs + 1):
                data = plan_post(10_000 + n)
                start = time.perf_counter()
                page.goto(f"{site}/de-xuat/moi/")
                # Read after the clock (evaluate is a round trip the sequence would not make), added to its total.
                paused = time.perf_counter()
                timings = [page.evaluate(NAVIGATION_TIMING)]
                start += time.perf_counter() - paused
                page.evaluate(FILL_FORM, data)
                page.get_by_role("button", name="Lưu dự thảo").click()
                page.wait_for_url(re.compile(r".*/de-xuat/\d+/sua/$"))
                paused = time.perf_counter()
                timings.append(page.evaluate(NAVIGATION_TIMING))
                start += time.perf_counter() - paused
                page.get_by_role("button", name="Nộp kế hoạch").click()
                page.wait_for_url(re.compile(r".*/de-xuat/\d+/$"))
                elapsed = (time.perf_counter() - start) * 1000
                timings.append(page.evaluate(NAVIGATION_TIMING))
                if n:  # the first is a warm-up
                    times.append(elapsed)
                    breakdowns.append(sequence_breakdown(timings, elapsed))
        except PlaywrightError as error:
            return f"failed: {str(error).splitlines()[0]}"
        finally:
            browser.close()
    return statistics.median(times), {step: statistics.median(b[step] for b in breakdowns) for step in breakdowns[0]}


# --- The section ---------------------------------------------------------------------------------------------------


def province(bench, seed_proposals):
    """The province the pages are measured on: seeded (through `seed_proposals`, bench.py's bulk loader), or found
    in the database bench.py reuses (BENCH_DB); returns its `bench_seed.SeedOrg`."""
    import datetime

    from bench_seed import existing_province, province_org, seed_drafts
    from django.db import connection
    from django.utils import timezone

    from proposals.models import Proposal

    if getattr(bench, "reused", False):  # bench.py's Bench; getattr: a caller with a Bench of its own
        org = existing_province()
        bench.row("proposals in the reused database (BENCH_DB)", f"{Proposal.objects.count():>9,}")
        return org
    started = time.perf_counter()
    today = timezone.localdate()
    drafts = PROPOSALS * 7 // 100
    org = seed_proposals(PROPOSALS - drafts, today.year, org_factory=province_org,
                         first=today - datetime.timedelta(days=365))
    seed_drafts(org, drafts)
    with connection.cursor() as cursor:
        # VACUUM too: the visibility map as autovacuum keeps it in service, so index-only scans (a list page's keys,
        # core.paging) read no table pages here either; a bulk load leaves it empty.
        cursor.execute("VACUUM ANALYZE")
    bench.row("seeded proposals in one province (throw-away database)", f"{Proposal.objects.count():>9,}")
    bench.row("seeding time", f"{time.perf_counter() - started:9.1f} s")
    return org


def run(bench, seed_proposals) -> None:
    """Seed or find the province (`province`), serve, log in, measure, print the table."""
    from bench_seed import BENCH_PASSWORD
    from django.db import connection

    from proposals.models import Proposal
    from proposals.transitions import Status

    org = province(bench, seed_proposals)
    people = org.people
    inspector_sees = Proposal.objects.visible_to(people["inspector"]).count()
    chairman_sees = Proposal.objects.visible_to(people["chairman"]).count()
    bench.row("  visible to the provincial inspector / to the chairman", f"{inspector_sees:>9,} / {chairman_sees:,}")
    detail = (Proposal.objects.filter(decision_unit=org.province, status=Status.CLOSED).order_by("-pk").first()
              or Proposal.objects.visible_to(people["chairman"]).order_by("-pk").first())

    with gunicorn(connection.settings_dict["NAME"]) as (port, log):
        inspector = Client(port).log_in(people["inspector"].username, BENCH_PASSWORD)
        chairman = Client(port).log_in(people["chairman"].username, BENCH_PASSWORD)
        proposer = Client(port).log_in(people["proposer"].username, BENCH_PASSWORD)
        p50_path, how = page_50(inspector, "/de-xuat/")
        pages = [
            ("floor (50 rows by pk, a template)", inspector, "/bench-floor/"),
            ("list page 1 (inspector)", inspector, "/de-xuat/"),
            ("list page 50 (inspector)", inspector, p50_path),
            ("list (chairman)", chairman, "/de-xuat/"),
            ('search "cai cach" (inspector)', inspector, "/de-xuat/?q=cai+cach"),
            ("inbox (chairman)", chairman, "/de-xuat/viec-can-xu-ly/"),
            ("detail (chairman, a closed proposal)", chairman, f"/de-xuat/{detail.pk}/"),
            ("home (chairman)", chairman, "/"),
        ]
        if not shutil.which("wrk"):
            print("  wrk is not installed: no figures under load (Debian: apt-get install wrk).")
        print(f"  page 50: {how}; one request at a time: {REQUESTS} requests; under load: wrk -t2 -c16 -d{WRK_SECONDS}s\n")
        print(f"  {'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'req/s @16':>10} {'÷ floor':>8} {'kB':>6}  goal met"
              "   (wrk latency p50/p90/p99 ms)")
        floor_rps = None
        for label, client, path in pages:
            try:
                p50, p95, size = sequential(client, path)
                load = under_load(port, client, path)
            except RuntimeError as error:
                print(f"  {label:<38} FAILED: {error}{last_error(log)}")
                continue
            rps = load["rps"] if load else None
            if label.startswith("floor"):
                floor_rps = rps
            share = rps / floor_rps if rps and floor_rps else None
            met = "—" if label.startswith("floor") else (
                "yes" if p95 <= P95_GOAL_MS and (share is None or share >= FLOOR_SHARE_GOAL) else "NO")
            spread = "/".join(f"{load['latency'].get(q, 0):.0f}" for q in ("50", "90", "99")) if load else ""
            if load and load["non_2xx"]:
                spread += f"  ({load['non_2xx']} non-2xx!)"
            print(f"  {label:<38} {p50:8.1f} {p95:8.1f} {rps or 0:10.1f} "
                  f"{f'{share:.0%}' if share is not None else '—':>8} {size / 1000:6.0f}  {met:<8}   {spread}")

        print()
        try:
            runs = [create_and_submit(proposer, n) for n in range(CREATES + 1)][1:]  # the first is a warm-up
        except RuntimeError as error:
            bench.row("create+submit through the forms", f"FAILED: {error}{last_error(log)}")
            return
        ours = statistics.median(created + submitted for created, submitted, _pk in runs)
        bench.row(f"create+submit through the forms (median of {CREATES}, the two POSTs)",
                  f"{ours:9.1f} ms  (create {statistics.median(r[0] for r in runs):.0f} ms, "
                  f"submit {statistics.median(r[1] for r in runs):.0f} ms)")
        peer = peer_create_state()
        if isinstance(peer, float):
            bench.row("OpenSlides 3.3 create motion + set state (BENCH_PEER_URL)",
                      f"{peer:9.1f} ms  (ours {peer / ours:.2f}× faster; goal ≥ 2×)")
        else:
            bench.row("peer", peer)
        sequence = browser_sequence(port, people["proposer"].username, BENCH_PASSWORD)
        if isinstance(sequence, tuple):
            sequence, steps = sequence
            bench.row("whole browser sequence (chromium: form, create, draft, submit, detail)",
                      f"{sequence:9.1f} ms  ({sequence / ours:.2f}× the two POSTs; goal ≤ 3×)")
            print("    " + ", ".join(f"{step} {ms:.0f}" for step, ms in steps.items()) + " (ms, medians)")
        else:
            bench.row("whole browser sequence", sequence)
