"""Protect triggers that no session can switch off (issue 11 §7).

pgtrigger's triggers return early when the session variable `pgtrigger.ignore` names them, and any role may set a
custom session variable: `SET pgtrigger.ignore = 'pgtrigger_audit_append_only_b1f7b'` let an UPDATE of an audit event
through. The audit log's triggers are installed from pgtrigger's own template minus that check, so only disabling
them (ALTER TABLE, the owner's right, which the app's role lacks: core.db_roles) or a superuser's
`session_replication_role` sets them aside. pgtrigger's other triggers keep their `pgtrigger.ignore` escape hatch.
"""

import pgtrigger
from pgtrigger import compiler


class UnignorableTriggerSql(compiler.UpsertTriggerSql):
    """pgtrigger's installation template (compiler.UpsertTriggerSql, v1) without the `pgtrigger.ignore` check.

    Migrations reference this class by path: like pgtrigger's, the template must not change once released.
    """

    def get_template(self) -> str:
        return """
            CREATE OR REPLACE FUNCTION {pgid}()
            RETURNS TRIGGER AS $$
                {declare}
                BEGIN
                    {func}
                END;
            $$ LANGUAGE plpgsql;

            DROP TRIGGER IF EXISTS {pgid} ON {table};
            CREATE {constraint} TRIGGER {pgid}
                {when} {operation} ON {table}
                {timing}
                {referencing}
                FOR EACH {level} {condition}
                EXECUTE PROCEDURE {execute};

            COMMENT ON TRIGGER {pgid} ON {table} IS '{hash}';
        """


class UnignorableProtect(pgtrigger.Protect):
    """pgtrigger.Protect whose trigger does not honour `pgtrigger.ignore`."""

    def compile(self, model) -> compiler.Trigger:
        compiled = super().compile(model)
        return compiler.Trigger(name=compiled.name, sql=UnignorableTriggerSql(**compiled.sql.kwargs))
