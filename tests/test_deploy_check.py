"""The production example env (deploy/production.env.example) passes `check --deploy` without a warning, and
with it the app redirects to HTTPS and sends HSTS (issue 11 §3). Each case runs a fresh process with exactly that
env, as a server started from the file would; `.env` is skipped so that a developer's own cannot interfere."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = BASE_DIR / "deploy" / "production.env.example"
HOST = "decree73.example.gov.vn"

RUN_WITHOUT_DOT_ENV = "import environ, runpy, sys; environ.Env.read_env = lambda *args, **kwargs: None; "
CHECK_DEPLOY = RUN_WITHOUT_DOT_ENV + "sys.argv = ['manage.py', 'check', '--deploy']; runpy.run_path('manage.py', run_name='__main__')"
# An anonymous visit to the home page, over plain HTTP and over HTTPS as the TLS proxy reports it: the login
# redirect needs no database.
VISIT = RUN_WITHOUT_DOT_ENV + f"""
import django, json
django.setup()
from django.test import Client
client = Client(HTTP_HOST="{HOST}")
plain, secure = client.get("/"), client.get("/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({{"plain": [plain.status_code, plain.headers.get("Location")], "secure": dict(secure.headers)}}))
"""


def production_env(tmp_path: Path, **changes: str) -> dict[str, str]:
    """The file's values, a throw-away secret key and an SQLite database in tmp; nothing else from this process
    but what an interpreter needs."""
    values = {}
    for line in PRODUCTION_ENV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return {
        "PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings", **values,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **changes,
    }


def run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_with_the_production_example_env_reports_no_issue(tmp_path):
    result = run(CHECK_DEPLOY, production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_production_redirects_to_https_and_sends_hsts_and_the_csp(tmp_path):
    result = run(VISIT, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])

    assert seen["plain"] == [301, f"https://{HOST}/"]
    headers = seen["secure"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert headers["Permissions-Policy"].startswith("camera=()")


def test_csp_report_only_sends_the_policy_as_a_report(tmp_path):
    result = run(VISIT, production_env(tmp_path, CSP_REPORT_ONLY="True"))
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.splitlines()[-1])["secure"]

    assert "Content-Security-Policy" not in headers
    assert "script-src 'self'" in headers["Content-Security-Policy-Report-Only"]
