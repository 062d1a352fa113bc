"""Issue 10, item 5: persistent database connections, and sessions cached in Redis when there is one."""

import os
import subprocess
import sys

import pytest

from config.settings import cache_and_sessions
from tests.test_settings import BASE_DIR

# The settings as a fresh process reads them (`.env` skipped, as in tests/test_settings.py).
SHOW = (
    "import environ; environ.Env.read_env = lambda *args, **kwargs: None; import config.settings as s; "
    "print(s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS'], s.SESSION_ENGINE)"
)


def _settings(**env: str) -> list[str]:
    unset = {"DJANGO_CONN_MAX_AGE", "REDIS_URL"}
    environment = {key: value for key, value in os.environ.items() if key not in unset} | {"DJANGO_DEBUG": "True"} | env
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SHOW], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60,
    )
    return result.stdout.split()


def test_with_redis_sessions_are_cached_in_it_and_written_through_to_the_database():
    caches, engine = cache_and_sessions("redis://127.0.0.1:6379/3", "decree73:")

    # cached_db, not cache: a Redis restart must log nobody out.
    assert engine == "django.contrib.sessions.backends.cached_db"
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert caches["default"]["KEY_PREFIX"] == "decree73:"


def test_without_redis_sessions_stay_in_the_database():
    caches, engine = cache_and_sessions("")

    assert engine == "django.contrib.sessions.backends.db"
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(("env", "expected"), [
    ({}, ["60", "True", "django.contrib.sessions.backends.db"]),
    ({"DJANGO_CONN_MAX_AGE": "0"}, ["0", "True", "django.contrib.sessions.backends.db"]),
    ({"REDIS_URL": "redis://127.0.0.1:6379/3"}, ["60", "True", "django.contrib.sessions.backends.cached_db"]),
])
def test_the_settings_module_persists_connections_and_caches_sessions_only_with_redis(env, expected):
    assert _settings(**env) == expected
