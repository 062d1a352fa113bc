"""Who is exempt from the web's statement_timeout (issue 11 §6, config/settings.py DATABASE_STATEMENT_TIMEOUT).

A request must not hold a worker on an endless query, but a migration that builds an index over a large table or
a Celery task that sweeps every open step may rightly take longer: `migrate` runs with none, and a Celery worker
with WORKER_STATEMENT_TIMEOUT (default none).
"""

from django.db import connections


def worker_statement_timeout(seconds: int) -> None:
    """Every connection this process opens from now on uses `seconds` (0: none); open ones are closed first."""
    from config.settings import add_statement_timeout

    for connection in connections.all():
        connection.close()
        add_statement_timeout(connection.settings_dict, seconds)


def lift_for_migrations(sender, using, **kwargs):
    """pre_migrate: no limit for the migrations of this session."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


def restore_after_migrations(sender, using, **kwargs):
    """post_migrate: the connection's own limit again (RESET returns to the value it was opened with)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
