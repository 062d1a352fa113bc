"""The test databases on PostgreSQL, made and emptied faster; the fixtures that install this are in conftest.py.

- Made once, copied per process: migrating the app from nothing takes 40 to 50 s of which most is the server's
  own work, and every pytest-xdist worker used to do it. The first worker to need a database migrates a template
  (`test_<name>_template`, under an advisory lock the others wait on); each worker's database is then a
  `CREATE DATABASE … TEMPLATE` of it (a second or two), which pytest-django's `migrate` finds complete. The
  template carries the run's id (xdist's `testrunuid`) as its comment: one left by an interrupted run is made
  again, never reused; the controller drops it when the run ends.
- Emptied with DELETE: a `transaction=True` test ends with Django's flush, a TRUNCATE of the ~80 tables, which
  gives each table and index a new file (3 to 5 s on a busy disk, the bulk of such a test's time). DELETE of a few
  rows per table leaves the tables just as empty. The app's append-only and frozen-row triggers would refuse it, as
  they refuse the app, so the flush runs as a replica (`session_replication_role`, a superuser's right); for a role
  that is not a superuser, the flush stays Django's.
"""

import os
import time

from django.core.management import call_command
from psycopg import sql
from psycopg.errors import ObjectInUse

# pg_advisory_lock's key: one number for "a test template is being made" on the server.
TEMPLATE_LOCK = 7_302_023


def template_name(settings_dict: dict) -> str:
    """`test_<name>_template`: the test database's name without the worker's suffix (`_gw0`)."""
    name = settings_dict["TEST"].get("NAME") or f"test_{settings_dict['NAME']}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and name.endswith(f"_{worker}"):
        name = name[: -len(worker) - 1]
    return f"{name}_template"


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _comment(cursor, name: str) -> str | None:
    cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
    row = cursor.fetchone()
    return row[0] if row else None


def _migrate_template(connection, cursor, template: str, run_id: str) -> None:
    """`template` created empty and migrated through `connection` (pointed at it for the while), then closed to
    connections: a database being copied must have none."""
    cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(template)))
    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
    name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = template
    try:
        call_command("migrate", verbosity=0, interactive=False, database=connection.alias, run_syncdb=True)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
    cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(template), sql.Literal(run_id)))
    cursor.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(sql.Identifier(template)))


def _copy(cursor, template: str, name: str) -> None:
    """CREATE DATABASE `name` TEMPLATE `template`; an autovacuum worker may still be leaving the template."""
    for attempt in range(50):
        try:
            cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
            return
        except ObjectInUse:
            if attempt == 49:
                raise
            time.sleep(0.1)


def create_from_template(creation, run_id: str):
    """A replacement for `creation._create_test_db` (Django's, which creates an empty database for `migrate` to
    fill): the worker's database copied from the run's migrated template, made first if it is not there yet."""

    def create_test_db(verbosity=1, autoclobber=False, keepdb=False):
        name = creation._get_test_db_name()
        template = template_name(creation.connection.settings_dict)
        with creation._nodb_cursor() as cursor:
            if keepdb and _exists(cursor, name):
                return name
            cursor.execute("SET statement_timeout = 0")  # waiting for another worker's migrate, dropping on a busy disk
            cursor.execute("SELECT pg_advisory_lock(%s)", [TEMPLATE_LOCK])
            try:
                if _comment(cursor, template) != run_id:
                    _migrate_template(creation.connection, cursor, template, run_id)
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
                _copy(cursor, template, name)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [TEMPLATE_LOCK])
        return name

    return create_test_db


def drop_template(connection) -> None:
    """The run's template, once every worker has its copy and the run is over."""
    template = template_name(connection.settings_dict)
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(template)))


def is_superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


def delete_flush(ops):
    """A replacement for `ops.sql_flush` (PostgreSQL's DatabaseOperations): DELETE from every table, triggers off
    for the flush's own transaction (`execute_sql_flush` runs the statements in one, hence SET LOCAL). Flushes that
    reset sequences or cascade keep Django's TRUNCATE."""
    truncate = ops.sql_flush

    def sql_flush(style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET LOCAL session_replication_role = replica",
                *(f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(ops.quote_name(table))};" for table in tables)]

    return sql_flush
