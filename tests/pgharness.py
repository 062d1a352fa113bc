"""The app on a throw-away PostgreSQL primary + streaming replica (scripts/pgcluster.py), for the tests of issue 14
(reads on the replica, the failover drill).

`app_on_cluster(cluster)` gives the cluster's primary a copy of this worker's test database, which pytest-django has
already migrated (pg_dump: a few seconds, where migrating from nothing takes a minute or more), then points Django's
"default" connection at it under the same name and, with `replica=True`, adds the "replica" alias
(DATABASES["replica"], a test mirror of default) on the replica: what DATABASE_URL and DATABASE_REPLICA_URL do in
production. On leaving, both are put back. The rows a test writes must be committed to be replicated, so such tests
run outside pytest-django's per-test transaction, on the database that goes away with the cluster.
"""

import contextlib
import copy

from django.conf import settings
from django.db import connections

from core.db_router import REPLICA, forget_replica_state
from proposals.models import LegalProfile
from proposals.selectors import DEFAULT_PROFILE_CODE
from scripts import pgcluster


@contextlib.contextmanager
def app_on_cluster(cluster: pgcluster.PgCluster, *, replica: bool = True):
    """Inside, the app's default database is the cluster's primary (and its replica the "replica" alias)."""
    default = connections["default"]
    name = default.settings_dict["NAME"]
    if not name.startswith("test_"):
        # pytest-django creates the test database only for a session with a `django_db` test in it.
        raise RuntimeError("the test database does not exist: give the module a test marked django_db")
    cluster.copy_database(pgcluster.database_url(default.settings_dict), name)
    before = pgcluster.point_django_at(cluster.primary_url(name))
    try:
        if replica:
            entry = copy.deepcopy(default.settings_dict) | {"PORT": str(cluster.replica_port), "TEST": {"MIRROR": "default"}}
            settings.DATABASES[REPLICA] = connections.configure_settings({"default": default.settings_dict, REPLICA: entry})[REPLICA]
        forget_replica_state()
        # A transactional test of this worker may have flushed the data migration's profile (tests/conftest.py).
        LegalProfile.objects.get_or_create(code=DEFAULT_PROFILE_CODE, version=1)
        cluster.wait_replayed()
        yield cluster
    finally:
        if REPLICA in settings.DATABASES:
            connections[REPLICA].close()
            del settings.DATABASES[REPLICA]
        forget_replica_state()
        pgcluster.restore_django(before)
