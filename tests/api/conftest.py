"""Fixtures of the API's tests: tokens for the personas of tests/conftest.py and clients that send them.

The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội (tests/proposals/helpers.py) in the modules that freeze it."""

import pytest
from django.test import Client

from api.models import ApiToken
from api.services import token_create


def bearer(person, scope: str = ApiToken.Scope.ACT, name: str = "Hệ thống quản lý văn bản") -> Client:
    """A client sending a new token of `person` (no session, no cookie)."""
    _token, secret = token_create(owner=person, by=person, name=name, scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture(autouse=True)
def _rate_limit_counts_from_zero(cache_of_its_own):
    """The throttle counts in the cache, which outlives a test: each test starts with a fresh count."""
