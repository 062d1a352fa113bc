"""E-mail and Celery settings from the environment (style.md §10): SMTP, the time of the daily scan, the broker's
redelivery; a bad value fails at start-up, loudly."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
READ = (
    "import json, environ; environ.Env.read_env = lambda *args, **kwargs: None; "
    "from config.celery import app; import config.settings as s; "
    "scan = s.CELERY_BEAT_SCHEDULE['scan-deadlines-daily']['schedule']; "
    "digest = s.CELERY_BEAT_SCHEDULE['send-digests-daily']['schedule']; "
    "print(json.dumps({'backend': s.EMAIL_BACKEND, 'host': s.EMAIL_HOST, 'port': s.EMAIL_PORT, 'tls': s.EMAIL_USE_TLS, "
    "'user': s.EMAIL_HOST_USER, 'site': s.SITE_URL, 'scan': [sorted(scan.hour), sorted(scan.minute)], "
    "'digest': [sorted(digest.hour), sorted(digest.minute)], 'transport': app.conf.broker_transport_options, "
    "'acks_late': app.conf.task_acks_late}))"
)


def read_settings(**env: str) -> subprocess.CompletedProcess:
    unset = {"DJANGO_EMAIL_HOST", "DJANGO_EMAIL_BACKEND", "REDIS_URL", "SITE_URL", "REMINDER_SCAN_HOUR"}
    environment = {key: value for key, value in os.environ.items() if key not in unset} | {"DJANGO_DEBUG": "True"} | env
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", READ], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )


def settings_with(**env: str) -> dict:
    result = read_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_development_prints_mails_and_scans_at_seven_hanoi_time():
    found = settings_with()
    assert found["backend"] == "django.core.mail.backends.console.EmailBackend"
    assert found["scan"] == [[7], [0]] and found["digest"] == [[7], [30]]
    assert found["site"] == "http://127.0.0.1:8000"
    assert found["acks_late"] is True


def test_smtp_comes_from_the_environment():
    found = settings_with(
        DJANGO_EMAIL_HOST="smtp.quangninh.gov.vn", DJANGO_EMAIL_PORT="587", DJANGO_EMAIL_USE_TLS="True",
        DJANGO_EMAIL_HOST_USER="decree73", DJANGO_EMAIL_HOST_PASSWORD="secret", SITE_URL="https://dmst.quangninh.gov.vn/",
        REMINDER_SCAN_HOUR="6", REMINDER_SCAN_MINUTE="45",
    )
    assert found["backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (found["host"], found["port"], found["tls"], found["user"]) == ("smtp.quangninh.gov.vn", 587, True, "decree73")
    assert found["site"] == "https://dmst.quangninh.gov.vn"
    assert found["scan"] == [[6], [45]]


def test_with_redis_a_killed_workers_task_comes_back_after_the_visibility_timeout():
    found = settings_with(REDIS_URL="redis://127.0.0.1:6379/3", CELERY_VISIBILITY_TIMEOUT="120",
                          CELERY_BROKER_KEY_PREFIX="decree73:")
    assert found["transport"] == {"visibility_timeout": 120, "global_keyprefix": "decree73:"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REMINDER_SCAN_HOUR": "24"}, "REMINDER_SCAN_HOUR must be between 0 and 23, not 24."),
        ({"REMINDER_SCAN_MINUTE": "7h"}, "invalid literal for int()"),
        ({"DJANGO_EMAIL_USE_TLS": "True", "DJANGO_EMAIL_USE_SSL": "True"}, "not both"),
        ({"SITE_URL": "dmst.quangninh.gov.vn"}, "SITE_URL must be an http(s) address"),
        ({"REMINDER_SEND_PAUSE_SECONDS": "-1"}, "REMINDER_SEND_PAUSE_SECONDS must be between 0 and 60."),
    ],
)
def test_a_wrong_value_stops_the_start(env, message):
    result = read_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr
