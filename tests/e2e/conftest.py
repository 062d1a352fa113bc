"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser build).

`.ci/run` installs the `chromium` package when it is missing; on a machine without it these tests are
skipped with the reason printed.
"""

import datetime
import os
import shutil

import pytest
from django.utils import timezone

from tests.e2e.browser import TIMEOUT_MS, accept_dialogs, log_in, watch_csp

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there
# (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="Debian chromium is not installed (apt-get install chromium)")
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    """Vietnamese, in Hà Nội's time; reduced motion, because Bootstrap's smooth scroll to an anchor ("#xet-duyet")
    after each action would keep the panel moving and every click waiting for it to settle."""
    return {
        **browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh", "accept_downloads": True,
        "reduced_motion": "reduce",
    }


@pytest.fixture(autouse=True)
def _sign_in_throttling_on(settings):
    """The walks sign in through the real form with throttling on, as in production (tests/conftest.py turns
    it off for `client.login()`)."""
    settings.AXES_ENABLED = True


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy refused during the walk (tests/e2e/browser.watch_csp): a page that needs
    something the policy forbids (an inline script, a style="" attribute, a foreign host) fails its walk."""
    violations = []
    yield violations
    assert not violations, "The Content-Security-Policy refused:\n" + "\n".join(violations)


@pytest.fixture
def context(context, csp_violations):
    """pytest-playwright's context (behind its `page` fixture), watched for CSP violations."""
    return watch_csp(context, csp_violations)


@pytest.fixture
def site_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def browser_as(browser, browser_context_args, site_url, csp_violations):
    """`browser_as(person)`: a fresh browser context (own cookies), signed in through the form; `browser_as(None)`:
    an anonymous visitor."""
    contexts = []

    def open_as(person):
        context = watch_csp(browser.new_context(**browser_context_args), csp_violations)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = accept_dialogs(context.new_page())
        return log_in(page, site_url, person) if person is not None else page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def accessible():
    """`accessible(page, "what")`: axe-core finds no serious or critical violation on the page as it stands."""
    from tests.e2e.accessibility import assert_accessible

    return assert_accessible
