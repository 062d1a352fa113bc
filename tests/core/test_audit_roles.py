"""The app's database role cannot rewrite the evidence (issue 11 §7).

A role is created in the test database, granted with `grant_app_role`, and the test then runs as it (SET LOCAL ROLE
inside the test's transaction): it appends through audit_record, and every way to change or remove an event fails,
including the session variable `pgtrigger.ignore` that pgtrigger's triggers honour. The names below are the triggers'
names in the database (pgtrigger's pgid), as an attacker would read them from pg_trigger.
"""

import io
import os

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from core.audit import audit_record, verify_chain
from core.models import AuditChainHead

pytestmark = pytest.mark.postgres

APPEND_ONLY = "pgtrigger_audit_append_only_b1f7b"
HEAD_FORWARD_ONLY = "pgtrigger_auditchainhead_forward_only_00e58"
ROLE = f"decree73_app_test_{os.getpid()}"  # roles are per cluster: one per test process


def _sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _refused(statement: str, match: str, *, ignoring: str = ""):
    """`statement` fails (in a savepoint, so the test's transaction goes on), with pgtrigger.ignore naming `ignoring`."""
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        if ignoring:
            _sql("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ignoring + "}"])
        _sql(statement)


@pytest.fixture
def app_role(db):
    """A login role like production's app role, granted by the command (twice: it is repeatable)."""
    _sql(f"CREATE ROLE {ROLE} LOGIN")
    for _ in range(2):
        out = io.StringIO()
        call_command("grant_app_role", role=ROLE, stdout=out)
    assert "cannot change or remove audit events" in out.getvalue()
    return ROLE


def test_the_app_role_appends_but_cannot_change_remove_or_unprotect_events(app_role, department, head):
    audit_record(action="proposal.submit", obj=department, actor=head)
    _sql(f"SET LOCAL ROLE {app_role}")

    second = audit_record(action="proposal.return", obj=department, actor=head, payload={"lý_do": "Bổ sung"})
    assert second.seq == 2

    for ignoring in ("", APPEND_ONLY):
        _refused("UPDATE core_auditevent SET action = 'forged' WHERE seq = 1", "permission denied", ignoring=ignoring)
        _refused("DELETE FROM core_auditevent WHERE seq = 2", "permission denied", ignoring=ignoring)
    with pgtrigger.ignore("core.AuditEvent:audit_append_only"):  # pgtrigger's own way, as the app could call it
        _refused("UPDATE core_auditevent SET action = 'forged' WHERE seq = 1", "permission denied")
    _refused(f"ALTER TABLE core_auditevent DISABLE TRIGGER {APPEND_ONLY}", "must be owner")
    _refused("ALTER TABLE core_auditevent DISABLE TRIGGER ALL", "must be owner")
    _refused("TRUNCATE core_auditevent", "permission denied")
    _refused("SET session_replication_role = replica", "permission denied")

    # The chain head moves forward only, even with its trigger named in pgtrigger.ignore; it cannot be removed.
    for ignoring in ("", HEAD_FORWARD_ONLY):
        _refused("UPDATE core_auditchainhead SET last_seq = 1", "Cannot update rows", ignoring=ignoring)
        _refused("UPDATE core_auditchainhead SET last_hash = 'x'", "Cannot update rows", ignoring=ignoring)
    _refused("DELETE FROM core_auditchainhead", "permission denied")
    _refused("TRUNCATE core_auditchainhead", "permission denied")
    _refused(f"ALTER TABLE core_auditchainhead DISABLE TRIGGER {HEAD_FORWARD_ONLY}", "must be owner")

    assert AuditChainHead.objects.get().last_seq == 2
    assert verify_chain() == (2, None)


def test_even_the_owner_cannot_ignore_the_audit_triggers(department, head):
    audit_record(action="proposal.submit", obj=department, actor=head)

    _refused("UPDATE core_auditevent SET action = 'forged' WHERE seq = 1", "Cannot update or delete rows",
             ignoring=APPEND_ONLY)
    _refused("DELETE FROM core_auditevent WHERE seq = 1", "Cannot update or delete rows", ignoring=APPEND_ONLY)
    _refused("UPDATE core_auditchainhead SET last_seq = 0", "Cannot update rows", ignoring=HEAD_FORWARD_ONLY)
    assert verify_chain() == (1, None)


def test_the_command_refuses_a_superuser_or_an_owner_of_the_tables(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="superuser|owns tables"):
        call_command("grant_app_role", role=owner, stdout=io.StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("grant_app_role", role="no_such_role_h5", stdout=io.StringIO())
