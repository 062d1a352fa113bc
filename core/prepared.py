"""Statements PostgreSQL plans once per database connection, not on every page (issue 10).

The heaviest statements of a page (the navigation badge's count of every inbox section, a few kB of SQL) took
PostgreSQL 14–26 ms to plan for 2 ms of execution, on every page: Django sends each statement as text with its
values inlined (psycopg's ClientCursor) and never prepares one. Inside `prepared()`, the statements a connection
runs — a cursor's or the ORM's — go through psycopg's protocol-level prepared statements instead: the first
execution on a connection parses and plans, the next ones only execute. Protocol-level (not SQL PREPARE), so they
work through PgBouncer >= 1.21 in transaction mode (max_prepared_statements > 0); DATABASE_PREPARED_MAX = 0 turns
them off (the statements then run as before).

The values stay inlined as literals, as Django's cursor does: the prepared statement is the very SQL Django would
send, and having no parameters PostgreSQL plans it once with its values known — the same plan as today, kept. The
price is one statement per distinct SQL: worth it for SQL a connection repeats (the badge's is one per person and
day, core.badges), not for SQL that changes with every row asked for. At most DATABASE_PREPARED_MAX statements
stay prepared on a connection (the least recently used is deallocated: the badge's plan holds ~1.2 MB of the
server's memory), and they go with the connection (CONN_MAX_AGE).

psycopg forgets every prepared statement of a connection on a rollback (a failed request's transaction, a
savepoint rolled back) and on DROP or ALTER, and PostgreSQL re-plans a prepared statement whose tables changed:
a prepared statement never outlives what it was planned against. Django's execute wrappers (query logging,
CaptureQueriesContext, connection.execute_wrapper) see these statements as any other; statement_timeout is the
session's. On other databases `prepared()` changes nothing.
"""

import contextlib
import functools

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


@functools.cache
def _cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg import ClientCursor

    class PreparingCursor(ServerBindingCursor):
        """A cursor of Django's (callproc, its loaders) whose statements are prepared, their values inlined first
        exactly as Django's own cursor inlines them (ClientCursor.mogrify)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            if params is not None:
                query = ClientCursor(self.connection).mogrify(query, params)
            super().execute(query, None, prepare=True, binary=binary)
            # Django's query log reads the statement there (ops.last_executed_query); psycopg leaves it unset when it
            # executes a prepared statement.
            self._query = self._query or self._convert_query(query)
            return self

    return PreparingCursor


@contextlib.contextmanager
def prepared(using: str = DEFAULT_DB_ALIAS, *, repeated: bool = True):
    """Inside, the cursors the connection `using` opens (the ORM's included) prepare what they execute: keep the
    block to the statements meant (a query set's evaluation, one cursor.execute). `repeated` False: the SQL is one
    the connection will hardly run again (a page reached by a cursor), run unprepared, leaving the room to others."""
    connection = connections[using]
    if not repeated or connection.vendor != "postgresql" or settings.DATABASE_PREPARED_MAX <= 0:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # a database whose OPTIONS turn psycopg's prepared statements off
        yield
        return
    raw.prepared_max = settings.DATABASE_PREPARED_MAX
    factory, raw.cursor_factory = raw.cursor_factory, _cursor_class()
    try:
        yield
    finally:
        raw.cursor_factory = factory


def inlined(sql: str, params, using: str = DEFAULT_DB_ALIAS) -> tuple[str, tuple | None]:
    """`sql` with `params` inlined as `prepared()` would inline them on every execution (PostgreSQL), for SQL kept
    and executed many times: no parameters (None) are left to inline. Elsewhere `sql` and `params` unchanged."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return sql, params
    return connection.ops.compose_sql(sql, params), None
