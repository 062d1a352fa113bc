"""DATABASE_REPLICA_URL and the lag bound are read strictly (issue 14 §3): a replica that is not PostgreSQL or a
bound that is not a positive number stops the start-up; a good one becomes DATABASES["replica"], a test mirror of
the primary with the web's statement timeout and a short connect timeout."""

import json
import subprocess
import sys

from tests.test_settings import BASE_DIR, _import_settings

REPLICA = "postgres://report:secret@10.0.0.12:5433/decree73"


def test_a_replica_url_that_is_not_postgresql_is_refused():
    result = _import_settings(DJANGO_DEBUG="True", DATABASE_REPLICA_URL="sqlite:////tmp/replica.sqlite3")

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must be a PostgreSQL URL" in result.stderr


def test_a_lag_bound_of_zero_is_refused():
    result = _import_settings(DJANGO_DEBUG="True", DATABASE_REPLICA_URL=REPLICA, REPLICA_MAX_LAG_SECONDS="0")

    assert result.returncode != 0
    assert "REPLICA_MAX_LAG_SECONDS must be above 0" in result.stderr


def _settings_as_json(var_dir, **env: str) -> list:
    code = (
        "import environ, json; environ.Env.read_env = lambda *args, **kwargs: None; import config.settings as s; "
        "print(json.dumps([s.DATABASES.get('replica'), s.DATABASE_ROUTERS, s.REPLICA_MAX_LAG_SECONDS]))"
    )
    environment = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "True", "DATABASE_URL": "postgres://app@127.0.0.1:5432/decree73",
                   "DJANGO_VAR_DIR": str(var_dir)} | env
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True,  # noqa: S603
                            text=True, timeout=60, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_replica_becomes_a_test_mirror_of_the_primary_with_its_timeouts(tmp_path):
    replica, routers, bound = _settings_as_json(tmp_path, DATABASE_REPLICA_URL=REPLICA, DATABASE_STATEMENT_TIMEOUT="20")

    assert (replica["HOST"], replica["PORT"], replica["NAME"], replica["USER"]) == ("10.0.0.12", 5433, "decree73", "report")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["OPTIONS"] == {"connect_timeout": 3, "options": "-c statement_timeout=20000"}
    assert routers == ["core.db_router.ReplicaRouter"] and bound == 30


def test_without_a_replica_url_there_is_no_replica_and_the_router_is_inert(tmp_path):
    replica, routers, _ = _settings_as_json(tmp_path, DATABASE_REPLICA_URL="")

    assert replica is None and routers == ["core.db_router.ReplicaRouter"]
