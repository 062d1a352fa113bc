"""The backup-and-restore drill (issue 14 §6): back a database and its store up, restore them into a new empty
database and an empty store, and prove the copy: `verify_audit`, `verify_documents`, and every table's row count,
every sequence and every trigger the same as the source's.

`make drill-backup` (scripts/drill_backup.py) runs it on the demo province; tests/core/test_backup_drill.py on a
small data set. Both work on throw-away databases next to DATABASE_URL's and throw-away local folders: the drill
points Django's connection and document store at them for a while (`connected_to`), never at the configured ones.
"""

import io
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import override_settings
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .backup import backup, libpq, read_summary, restore


@contextmanager
def connected_to(database: str, store: Path):
    """Django's default connection on `database`, and the document store the local folder `store`, inside the block."""
    connection = connections[DEFAULT_DB_ALIAS]
    previous = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = database
    local = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(store)}}
    try:
        with override_settings(STORAGES={**settings.STORAGES, "default": local}):
            yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = previous


def server_sql(statement: sql.Composable) -> None:
    """Run `statement` (CREATE/DROP DATABASE) on the server of the default connection, outside any transaction."""
    conninfo, environment = libpq(DEFAULT_DB_ALIAS)
    params = {**conninfo_to_dict(conninfo), "dbname": "postgres"}
    if "PGPASSWORD" in environment:
        params["password"] = environment["PGPASSWORD"]
    with psycopg.connect(make_conninfo(**params), autocommit=True) as maintenance:
        maintenance.execute(statement)


def create_database(name: str, *, template: str | None = None) -> None:
    """A new database; a copy of `template` (which must have no open connection) when given."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
    server_sql(statement)


def drop_database(name: str) -> None:
    server_sql(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass(frozen=True)
class DatabaseState:
    """What a restore must reproduce: rows per table, each sequence's position, the triggers."""

    rows: dict[str, int]
    sequences: dict[str, int | None]
    triggers: tuple[str, ...]

    @classmethod
    def read(cls) -> "DatabaseState":
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
            tables = [name for (name,) in cursor.fetchall()]
            rows = {}
            for table in tables:
                cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)).as_string(cursor.connection))
                rows[table] = cursor.fetchone()[0]
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
            sequences = dict(cursor.fetchall())
            cursor.execute("SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY 1")
            triggers = tuple(name for (name,) in cursor.fetchall())
        return cls(rows, sequences, triggers)

    def differences(self, restored: "DatabaseState") -> list[str]:
        found = [f"table {table}: {count} rows backed up, {restored.rows.get(table)} restored"
                 for table, count in self.rows.items() if restored.rows.get(table) != count]
        found += [f"sequence {name}: at {value} backed up, at {restored.sequences.get(name)} restored"
                  for name, value in self.sequences.items() if restored.sequences.get(name) != value]
        found += [f"table {name}: not in the backup" for name in restored.rows.keys() - self.rows.keys()]
        if self.triggers != restored.triggers:
            found.append(f"triggers: {len(self.triggers)} backed up, {len(restored.triggers)} restored "
                         f"(missing: {sorted(set(self.triggers) - set(restored.triggers))})")
        return found


@dataclass
class Figures:
    tables: int = 0
    rows: int = 0
    files: int = 0
    file_bytes: int = 0
    dump_bytes: int = 0
    backup_seconds: float = 0.0
    restore_seconds: float = 0.0
    verify_audit: str = ""
    verify_documents: str = ""
    differences: list[str] = field(default_factory=list)
    backup_folder: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.differences

    def lines(self) -> list[tuple[str, str]]:
        return [
            ("tables / rows backed up and restored", f"{self.tables} / {self.rows:,}"),
            ("documents / bytes", f"{self.files:,} / {self.file_bytes:,}"),
            ("database dump (pg_dump -Fc)", f"{self.dump_bytes:,} bytes"),
            ("backup (dump, then the store)", f"{self.backup_seconds:.1f} s"),
            ("restore (pg_restore, grants, the store)", f"{self.restore_seconds:.1f} s"),
            ("verify_audit", self.verify_audit),
            ("verify_documents", self.verify_documents),
            ("rows, sequences, triggers compared", "identical" if self.ok else "; ".join(self.differences)),
        ]


def _verify(command: str, figures: Figures) -> str:
    out = io.StringIO()
    try:
        call_command(command, stdout=out, stderr=out, no_color=True)
    except CommandError as error:
        figures.differences.append(f"{command}: {error}")
        return f"FAILED: {error}"
    return out.getvalue().strip().splitlines()[-1]


def run_drill(*, source: str, source_store: Path, target: str, target_store: Path, workdir: Path) -> Figures:
    """Back up `source` (a database, and its store in the folder `source_store`) into `workdir`, restore it into the
    new database `target` (created here; the caller drops it) and the empty folder `target_store`, and verify."""
    figures = Figures()
    with connected_to(source, source_store):
        before = DatabaseState.read()
        started = time.perf_counter()
        figures.backup_folder = backup(workdir)
        figures.backup_seconds = time.perf_counter() - started
    summary = read_summary(figures.backup_folder)
    figures.tables, figures.rows = len(before.rows), sum(before.rows.values())
    figures.files, figures.file_bytes, figures.dump_bytes = summary.files, summary.file_bytes, summary.dump_bytes

    create_database(target)
    with connected_to(target, target_store):
        started = time.perf_counter()
        restore(figures.backup_folder)
        figures.restore_seconds = time.perf_counter() - started
        figures.verify_audit = _verify("verify_audit", figures)
        figures.verify_documents = _verify("verify_documents", figures)
        figures.differences += before.differences(DatabaseState.read())
    return figures
