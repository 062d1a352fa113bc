"""Migration operations for what only PostgreSQL has (trigram indexes, ICU collations).

SQLite, the development default, runs the same migrations without them: its queries are the same, only slower.
"""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """`RunSQL` that PostgreSQL runs and any other database skips, forwards and backwards."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(*, table: str, column: str, name: str) -> PostgreSQLOnly:
    """A GIN trigram index serving `column LIKE '%word%'`, with the pg_trgm extension it needs."""
    return PostgreSQLOnly(
        [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)",
        ],
        f"DROP INDEX IF EXISTS {name}",
    )
