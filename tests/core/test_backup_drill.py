"""The backup-and-restore drill on a small data set (issue 14 §6; core/backup.py, core/backup_drill.py).

Once per module: a copy of the test database (CREATE DATABASE … TEMPLATE, a second) gets a decided proposal and a
submitted one with an attachment, written by the services into a store of its own (issued PDFs, audit events); the
drill backs it up, restores it into a new empty database and an empty store with an app role to grant, and
verifies. The tests then read what the drill found, and break the restored copy on purpose to see the checks fail.
"""

import contextlib
import dataclasses
import io
import json
import os
import shutil
import time

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import override_settings
from django.utils import timezone
from psycopg import sql
from psycopg.errors import ObjectInUse

from core import backup as backup_module
from core.backup import DUMP, MANIFEST, BackupError, _restore_documents, database_is_empty, restore
from core.backup_drill import connected_to, create_database, drop_database, run_drill, server_sql
from core.models import AuditEvent
from core.workdays import seed_year
from proposals.models import Attachment, LegalProfile, PlanDocument
from proposals.selectors import DEFAULT_PROFILE_CODE
from proposals.services import attachment_add, proposal_submit
from proposals.transitions import Status
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory
from tests.lifecycle import PDF_BYTES, draft_proposal, drive_to, plans_issued, uploaded_file

# The tests reach the databases through django_db_blocker, outside pytest-django's per-test transaction: they point
# the connection at other databases for a while (connected_to closes it), which an open transaction would not
# survive, and a transactional test's flush would cost more than the drill.
pytestmark = pytest.mark.postgres

ROLE = f"decree73_drill_{os.getpid()}"  # roles belong to the cluster: one per test process


def _person(unit, role, username):
    person = UserFactory(username=username)
    PositionFactory(person=person, unit=unit, role=role)
    return person


@contextlib.contextmanager
def _stand_in_pdfs():
    """The issued documents stored as small stand-ins, as tests/conftest.py does for the plan: what is backed up is
    bytes and their SHA-256, whatever they say, and WeasyPrint would take most of the drill's time."""
    from approvals import documents as approval_documents
    from proposals import documents as proposal_documents

    def stand_in(instance, **kwargs) -> bytes:
        return PDF_BYTES + f"% {type(instance).__name__} {instance.pk}\n".encode()

    with pytest.MonkeyPatch.context() as patch:
        for module, name in ((proposal_documents, "PLAN"), (approval_documents, "MINUTES"),
                             (approval_documents, "DECISION")):
            patch.setattr(module, name, dataclasses.replace(getattr(module, name), render=stand_in))
        yield


def _seed_small_province():
    """Through the services, as in production: issued PDFs with their SHA-256, an upload, the audit chain."""
    from accounts.models import Position

    LegalProfile.objects.get_or_create(code=DEFAULT_PROFILE_CODE, version=1)
    seed_year(timezone.localdate().year)
    seed_year(timezone.localdate().year + 1)
    province = OrgUnitFactory(code="UBND-DRILL", name="Ủy ban nhân dân tỉnh Diễn tập")
    department = OrgUnitFactory(code="SNV-DRILL", name="Sở Nội vụ tỉnh Diễn tập", abbreviation="SNV", parent=province)
    head = _person(department, Position.Role.HEAD, "drill-head")
    deputy = _person(department, Position.Role.DEPUTY, "drill-deputy")
    proposer = _person(department, Position.Role.STAFF, "drill-proposer")
    drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    second = draft_proposal(proposer=proposer)
    attachment_add(proposal=second, by=proposer, uploaded_file=uploaded_file("Biên bản họp tổ công tác.pdf", PDF_BYTES))
    proposal_submit(proposal=second, by=proposer)
    plans_issued()


def _copy_when_alone(template: str, name: str) -> None:
    """CREATE DATABASE `name` TEMPLATE `template`, once nobody else is connected to it: threads of earlier tests in
    this process (concurrency tests) keep their connections until they are collected, so they are ended first."""
    for attempt in range(50):
        server_sql(sql.SQL("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = {} "
                           "AND pid <> pg_backend_pid()").format(sql.Literal(template)))
        try:
            return create_database(name, template=template)
        except ObjectInUse:  # a terminated backend had not exited yet
            if attempt == 49:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def drill(django_db_setup, django_db_blocker, tmp_path_factory):
    """(figures, restored database, restored store folder, the backup folder)."""
    work = tmp_path_factory.mktemp("drill")
    test_database = connection.settings_dict["NAME"]
    source, target = f"{test_database}_drill_src", f"{test_database}_drill_dst"
    with django_db_blocker.unblock():
        for name in (source, target):
            drop_database(name)  # left by an interrupted run
        connections.close_all()  # a template database must have no open connection...
        _copy_when_alone(test_database, source)
        server_sql(f"DROP ROLE IF EXISTS {ROLE}")
        server_sql(f"CREATE ROLE {ROLE} LOGIN")
        try:
            started = time.perf_counter()
            with connected_to(source, work / "source-store"), _stand_in_pdfs():
                _seed_small_province()
            with override_settings(DATABASE_APP_ROLE=ROLE):
                figures = run_drill(source=source, source_store=work / "source-store", target=target,
                                    target_store=work / "restored-store", workdir=work / "backups")
            # Seed, back up, restore, verify: about 10 s on an idle machine (the suite's budget for it is 25 s).
            print(f"backup drill: {time.perf_counter() - started:.1f} s", figures.lines())
            yield figures, target, work / "restored-store"
        finally:
            drop_database(source)
            drop_database(target)
            server_sql(f"DROP ROLE IF EXISTS {ROLE}")


def test_the_restored_copy_passes_every_check_and_the_app_role_cannot_rewrite_its_audit_log(drill, django_db_blocker):
    figures, target, store = drill
    assert figures.differences == []
    assert figures.verify_audit.startswith("Audit chain intact:")
    assert figures.verify_documents.startswith(f"Documents intact: {figures.files} stored documents")
    # The plan PDFs of both proposals, the minutes and the decision, and the attachment.
    assert figures.files >= 5
    assert sum(1 for path in store.rglob("*") if path.is_file()) == figures.files
    assert figures.rows > 0 and figures.dump_bytes > 0
    assert figures.backup_folder.stat().st_mode & 0o777 == 0o700
    assert all(path.stat().st_mode & 0o077 == 0 for path in figures.backup_folder.iterdir())
    with django_db_blocker.unblock(), connected_to(target, store):
        attachment = Attachment.objects.get()
        assert attachment.original_name == "Biên bản họp tổ công tác.pdf"
        with attachment.file.open("rb") as handle:
            assert handle.read() == PDF_BYTES
        assert PlanDocument.objects.count() == 2
        assert AuditEvent.objects.filter(action="attach").count() == 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT has_table_privilege(%s, 'core_auditevent', 'INSERT'), "
                "has_table_privilege(%s, 'core_auditevent', 'UPDATE'), has_table_privilege(%s, 'core_auditevent', 'DELETE')",
                [ROLE] * 3,
            )
            assert cursor.fetchone() == (True, False, False)


def test_a_document_changed_after_the_restore_fails_verify_documents(drill, django_db_blocker):
    _figures, target, store = drill
    with django_db_blocker.unblock(), connected_to(target, store):
        stored = PlanDocument.objects.order_by("pk").first().pdf
        path = store / stored.name
        original = path.read_bytes()
        path.write_bytes(original.replace(b"%PDF", b"%PDX", 1))
        try:
            errors = io.StringIO()
            with pytest.raises(CommandError, match="1 stored document"):
                call_command("verify_documents", stdout=io.StringIO(), stderr=errors)
            assert "MISMATCH proposals.PlanDocument.pdf #" in errors.getvalue()
            assert stored.name in errors.getvalue()
        finally:
            path.write_bytes(original)
        call_command("verify_documents", stdout=io.StringIO())


def test_the_restore_refuses_a_full_database_or_store_a_damaged_dump_and_a_file_off_its_manifest(
    drill, django_db_blocker, tmp_path, monkeypatch
):
    figures, target, store = drill
    with django_db_blocker.unblock(), connected_to(target, tmp_path / "empty-store"):
        with pytest.raises(BackupError, match="database is not empty"):
            restore(figures.backup_folder)
    # The store's check, past the database's (an empty database costs a CREATE DATABASE): nothing is restored.
    monkeypatch.setattr(backup_module, "database_is_empty", lambda using: True)
    with django_db_blocker.unblock(), connected_to(target, store):
        before = AuditEvent.objects.count()
        with pytest.raises(BackupError, match="store is not empty"):
            restore(figures.backup_folder)
        with override_settings(DATABASE_APP_ROLE=f"{ROLE}_missing"), connected_to(target, tmp_path / "empty-store"):
            with pytest.raises(BackupError, match="does not exist on this server"):
                restore(figures.backup_folder)
        assert AuditEvent.objects.count() == before

    damaged = tmp_path / "damaged"
    shutil.copytree(figures.backup_folder, damaged)
    with (damaged / DUMP).open("r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(BackupError, match="dump is damaged"):
        restore(damaged)

    lines = (damaged / MANIFEST).read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    lines[0] = json.dumps({**first, "sha256": "0" * 64})
    (damaged / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BackupError, match="does not match its size and SHA-256"):
        _restore_documents(damaged, FileSystemStorage(location=tmp_path / "store"))


# Its marker is also what makes pytest-django create the test database the drill copies when this module runs
# alone (the drill's tests reach the databases through django_db_blocker, unmarked; see pytestmark).
@pytest.mark.django_db
def test_a_migrated_database_is_not_empty():
    assert not database_is_empty()
