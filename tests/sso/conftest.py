"""The SSO tests' provider and browser: the real provider of tests/sso/op.py, started once for the session with
Django's test client (http://testserver) as its client's site."""

import re
from urllib.parse import urljoin

import pytest
import requests
from django.urls import reverse

from tests.sso.op import register_with, running_provider

SITE = "http://testserver"
POST_LOGOUT_REDIRECT_URI = SITE + reverse("accounts:login")


@pytest.fixture(scope="session")
def provider() -> str:
    """The issuer."""
    with running_provider(SITE) as issuer:
        yield issuer


@pytest.fixture
def sso(settings, provider) -> str:
    register_with(settings, provider)
    return provider


class Browser:
    """One person's browser: the Django test client for this site, a requests session for the provider (each
    keeps its own cookies), following the real redirects between the two."""

    def __init__(self, client, issuer: str):
        self.client, self.issuer, self.provider_session = client, issuer, requests.Session()

    def sign_in(self, login: str, *, next_to: str = ""):
        """Click "Đăng nhập bằng …", sign in at the provider as `login`, and return this site's answer to the
        provider's redirect back (the callback's response)."""
        return self.client.get(self.authorize(login, next_to=next_to))

    def authorize(self, login: str, *, next_to: str = "") -> str:
        """Up to the provider's redirect back: the callback address with its code and state, not yet visited."""
        start = self.client.get(reverse("accounts:sso_start"), {"next": next_to} if next_to else {})
        assert start.status_code == 302, start
        self.authorization_request = start["Location"]
        return self.follow_provider(start["Location"], login=login)

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
            if url.startswith(SITE + "/"):
                return url.removeprefix(SITE)
        raise AssertionError("too many redirects at the provider")


@pytest.fixture
def visitor(client, sso) -> Browser:
    return Browser(client, sso)
