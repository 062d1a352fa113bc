"""The application's database role: everything it needs to serve, nothing that could rewrite the evidence.

Issue 11 §7. Two roles: the owner (runs `migrate`, owns the tables, may ALTER them) and the app role (serves). The
app role gets the ordinary rights on every table and sequence of the schema (and, by default privileges, on those
the owner creates later), then loses UPDATE, DELETE and TRUNCATE on the audit events and DELETE and TRUNCATE on the
chain head (whose UPDATE core.audit needs, forward only: the chain head's trigger refuses any other). Not owning
the tables, it cannot `ALTER TABLE ... DISABLE TRIGGER`; and the audit triggers ignore `pgtrigger.ignore`
(core.triggers). PostgreSQL only.
"""

from django.db import connections
from psycopg import sql

from .models import AuditChainHead, AuditEvent

# What the app role may not do on the audit tables, whatever it was granted on all tables.
AUDIT_REVOKES = (
    (AuditEvent, ("UPDATE", "DELETE", "TRUNCATE")),
    (AuditChainHead, ("DELETE", "TRUNCATE")),
)


class RoleError(Exception):
    """The role cannot be the app's: missing, a superuser, or an owner of the tables."""


def grant_app_role(role: str, *, using: str = "default") -> list[str]:
    """Grant `role` what the app needs on the current database's schema, repeatably; return the statements run.

    Runs as the owner of the tables (the role `migrate` connects as): default privileges apply to the objects that
    role creates later."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RoleError("Database roles exist only on PostgreSQL.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, current_schema(), current_database() FROM pg_roles WHERE rolname = %s",
            [role],
        )
        found = cursor.fetchone()
        if found is None:
            raise RoleError(f"The role {role!r} does not exist: CREATE ROLE {role} LOGIN PASSWORD '...' first.")
        privileged, schema, database = found
        if privileged:
            raise RoleError(f"The role {role!r} is a superuser: it could switch triggers off.")
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s AND tableowner = %s", [schema, role])
        if cursor.fetchone()[0]:
            raise RoleError(f"The role {role!r} owns tables of {schema}: owners may disable triggers. Use the owner for "
                            "migrate and another role to serve.")
        who, where = sql.Identifier(role), sql.Identifier(schema)
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), who),
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(where, who),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(where, who),
            sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(where, who),
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}").format(
                where, who),
            sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}").format(
                where, who),
            *(
                sql.SQL("REVOKE {} ON {} FROM {}").format(
                    sql.SQL(", ").join(map(sql.SQL, privileges)), sql.Identifier(schema, model._meta.db_table), who)
                for model, privileges in AUDIT_REVOKES
            ),
        ]
        texts = [statement.as_string(connection.connection) for statement in statements]
        for text in texts:
            cursor.execute(text)
    return texts
