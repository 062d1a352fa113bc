"""The SSO settings read from the environment: a field that cannot hold the claim fails loudly, and switching local
passwords off leaves no backend that accepts a password."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PRINT = (
    "import environ; environ.Env.read_env = lambda *args, **kwargs: None; "
    "import config.settings as s; print(' '.join(s.AUTHENTICATION_BACKENDS)); "
    "print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
)


def _settings(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", PRINT], cwd=BASE_DIR, env={**os.environ, "DJANGO_DEBUG": "True", **env},
        capture_output=True, text=True, timeout=60,
    )


def test_a_match_field_other_than_username_email_or_employee_code_refuses_to_load():
    result = _settings(SSO_MATCH_FIELD="is_superuser")
    assert result.returncode != 0
    assert "SSO_MATCH_FIELD must be username, email or employee_code" in result.stderr


def test_local_password_login_off_removes_the_password_backend():
    assert "django.contrib.auth.backends.ModelBackend" in _settings().stdout.split()
    backends = _settings(LOCAL_PASSWORD_LOGIN="False").stdout.splitlines()[0].split()
    assert backends == ["axes.backends.AxesStandaloneBackend", "accounts.sso.backend.SSOBackend"]


def test_the_providers_origin_may_receive_the_sign_out_form_once_sso_is_configured():
    assert _settings().stdout.splitlines()[1] == "'self'"
    configured = {"OIDC_RP_CLIENT_ID": "decree73", "OIDC_OP_ISSUER": "https://id.example.gov.vn/realms/tinh"}
    assert _settings(**configured).stdout.splitlines()[1] == "'self' https://id.example.gov.vn"
    explicit = _settings(**configured, OIDC_OP_LOGOUT_ENDPOINT="https://sso.example.gov.vn/logout").stdout
    assert explicit.splitlines()[1] == "'self' https://sso.example.gov.vn"
