"""Settings read from the environment (style.md §10): production is the default, and it fails loudly."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# The settings module as a fresh process imports it; `.env` is skipped so that whatever a developer keeps
# there (typically DJANGO_DEBUG=True) cannot hide the default.
IMPORT_SETTINGS = (
    "import environ; environ.Env.read_env = lambda *args, **kwargs: None; "
    "import config.settings as s; print(s.DEBUG)"
)


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    unset = {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    environment = {key: value for key, value in os.environ.items() if key not in unset} | env
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", IMPORT_SETTINGS], cwd=BASE_DIR, env=environment, capture_output=True, text=True,
        timeout=60,
    )


def test_without_django_debug_and_without_a_secret_key_the_settings_refuse_to_load():
    result = _import_settings()

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY (32+ characters) is required" in result.stderr


def test_debug_is_off_unless_django_debug_turns_it_on():
    secret = "x" * 50

    assert _import_settings(DJANGO_SECRET_KEY=secret).stdout.split() == ["False"]
    assert _import_settings(DJANGO_DEBUG="True").stdout.split() == ["True"]

