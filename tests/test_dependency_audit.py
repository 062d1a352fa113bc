"""`make audit` (scripts/audit.py, issue 11 §8): a vulnerable pin fails it, an unreachable service skips it
without claiming a pass. The service here is a stand-in OSV server on localhost (pip-audit's `--osv-url`)."""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
ADVISORY = {
    "id": "GHSA-test-0000-0000",
    "summary": "A made-up flaw in this Django release",
    "affected": [{
        "package": {"name": "django", "ecosystem": "PyPI"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "99.0"}]}],
    }],
}


class FakeOSV(BaseHTTPRequestHandler):
    """Answers every OSV query with the advisory above."""

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps({"vulns": [ADVISORY]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def osv_url():
    server = HTTPServer(("127.0.0.1", 0), FakeOSV)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1/query"
    server.shutdown()


def audit(tmp_path: Path, osv_url: str) -> subprocess.CompletedProcess:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Django==5.2.19\n")
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "scripts/audit.py", "-r", str(requirements), "--no-deps", "--disable-pip",
         "--cache-dir", str(tmp_path / "cache")],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
        env={"PATH": "", "HOME": str(tmp_path), "AUDIT_SERVICE": "osv", "AUDIT_OSV_URL": osv_url,
             "AUDIT_PROBE_TIMEOUT": "3"},
    )


def test_a_pinned_package_with_a_known_vulnerability_fails_the_audit(tmp_path, osv_url):
    result = audit(tmp_path, osv_url)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "GHSA-test-0000-0000" in result.stdout
    assert "SKIPPED" not in result.stdout


def test_an_unreachable_service_is_reported_as_skipped_not_passed(tmp_path):
    result = audit(tmp_path, "http://127.0.0.1:9/v1/query")  # the discard port: nothing listens

    assert result.returncode == 0
    assert result.stdout.startswith("SKIPPED: dependency audit not run, the vulnerability service (osv) is not reachable")
    assert "No known vulnerabilities" not in result.stdout + result.stderr
