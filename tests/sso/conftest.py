"""A real OpenID Connect provider for the single sign-on tests: panva's `oidc-provider` (npm), started on a free
loopback port for the session from tests/sso/provider/ (package-lock.json committed; `npm ci` runs here when
node_modules is missing). Skipped, with the reason, when node or npm is not installed."""

import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.urls import reverse

PROVIDER_DIR = Path(__file__).parent / "provider"
CLIENT_ID, CLIENT_SECRET = "decree73-test", "a-secret-shared-with-the-test-provider"
# Django's test client is served as http://testserver: the addresses the provider sends the browser back to.
REDIRECT_URI = "http://testserver" + reverse("accounts:sso_callback")
POST_LOGOUT_REDIRECT_URI = "http://testserver" + reverse("accounts:login")
ID_TOKEN_TTL = 600


@dataclass
class Provider:
    issuer: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def provider():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        pytest.skip("node and npm are needed to run the test OpenID provider (Debian: apt-get install nodejs npm)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True, timeout=600)  # noqa: S603
    port = _free_port()
    env = {**os.environ, "OP_PORT": str(port), "OP_CLIENT_ID": CLIENT_ID, "OP_CLIENT_SECRET": CLIENT_SECRET,
           "OP_REDIRECT_URI": REDIRECT_URI, "OP_POST_LOGOUT_REDIRECT_URI": POST_LOGOUT_REDIRECT_URI,
           "OP_ID_TOKEN_TTL": str(ID_TOKEN_TTL)}
    process = subprocess.Popen(  # noqa: S603 (our own script)
        [node, "provider.js"], cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("ready "), f"the test provider did not start: {line!r}"
        yield Provider(issuer=line.split()[1])
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, provider) -> Provider:
    """This deployment registered as the provider's client, the endpoints from its discovery document."""
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.OIDC_OP_ISSUER = provider.issuer
    settings.SSO_LABEL = "VNeID tỉnh"
    return provider


class Browser:
    """One person's browser: the Django test client for this site, a requests session for the provider (each
    keeps its own cookies), following the real redirects between the two."""

    def __init__(self, client, issuer: str):
        self.client, self.issuer, self.provider_session = client, issuer, requests.Session()

    def sign_in(self, login: str, *, next_to: str = ""):
        """Click "Đăng nhập bằng …", sign in at the provider as `login`, and return this site's answer to the
        provider's redirect back (the callback's response)."""
        start = self.client.get(reverse("accounts:sso_start"), {"next": next_to} if next_to else {})
        assert start.status_code == 302, start
        self.authorization_request = start["Location"]
        return self.client.get(self.follow_provider(start["Location"], login=login))

    def follow_provider(self, url: str, *, login: str = "") -> str:
        """Follow the provider's redirects (signing in on its form as `login` when it asks) until one comes back
        to this site; return that address."""
        for _ in range(10):
            response = self.provider_session.get(url, allow_redirects=False)
            form = re.search(r'<form method="post" action="([^"]+)"', response.text)
            if response.status_code == 200 and form and login:
                response = self.provider_session.post(urljoin(url, form[1]), data={"login": login},
                                                      allow_redirects=False)
            assert response.is_redirect, (response.status_code, response.text[:500])
            url = urljoin(url, response.headers["Location"])
            if url.startswith("http://testserver/"):
                return url.removeprefix("http://testserver")
        raise AssertionError("too many redirects at the provider")


@pytest.fixture
def visitor(client, sso) -> Browser:
    return Browser(client, sso.issuer)
