"""Start the test OpenID provider (panva's `oidc-provider`, from tests/sso/provider/) for a site: the SSO tests use it
through the Django test client (tests/sso/conftest.py), the browser walk through the live server."""

import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

PROVIDER_DIR = Path(__file__).parent / "provider"
CLIENT_ID, CLIENT_SECRET = "decree73-test", "a-secret-shared-with-the-test-provider"
ID_TOKEN_TTL = 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_provider(site: str) -> Iterator[str]:
    """The provider on a free loopback port, `site` registered as its client's redirect; yields its issuer.
    Skips the test, with the reason, when node or npm is missing; runs `npm ci` once when node_modules is."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        pytest.skip("node and npm are needed to run the test OpenID provider (Debian: apt-get install nodejs npm)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True, timeout=600)  # noqa: S603
    env = {**os.environ, "OP_PORT": str(_free_port()), "OP_CLIENT_ID": CLIENT_ID, "OP_CLIENT_SECRET": CLIENT_SECRET,
           "OP_REDIRECT_URI": site + reverse("accounts:sso_callback"),
           "OP_POST_LOGOUT_REDIRECT_URI": site + reverse("accounts:login"), "OP_ID_TOKEN_TTL": str(ID_TOKEN_TTL)}
    process = subprocess.Popen(  # noqa: S603 (our own script)
        [node, "provider.js"], cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("ready "), f"the test provider did not start: {line!r}"
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def register_with(settings, issuer: str) -> None:
    """This deployment registered as the provider's client, the endpoints from its discovery document; the CSP's
    form-action lets sign-out go on to the provider, as config/settings.py does for a configured issuer."""
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.OIDC_OP_ISSUER = issuer
    settings.SSO_LABEL = "VNeID tỉnh"
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY, "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], issuer]}
    }
