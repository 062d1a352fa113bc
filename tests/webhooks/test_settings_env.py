"""The webhook settings fail loudly at start-up when out of bounds (style.md §10)."""

import pytest

from tests.test_settings import _import_settings


@pytest.mark.parametrize(("name", "value", "message"), [
    ("WEBHOOK_READ_TIMEOUT_SECONDS", "0", "WEBHOOK_READ_TIMEOUT_SECONDS must be between 0.1 and 120"),
    ("WEBHOOK_MAX_ATTEMPTS", "0", "WEBHOOK_MAX_ATTEMPTS must be between 1 and 50"),
    ("WEBHOOK_BACKOFF_MAX_SECONDS", "10", "WEBHOOK_BACKOFF_MAX_SECONDS must be between 30 and"),
])
def test_a_webhook_setting_out_of_bounds_stops_the_start(name, value, message):
    result = _import_settings(DJANGO_DEBUG="True", **{name: value})
    assert result.returncode != 0 and message in result.stderr
