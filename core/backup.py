"""Backup and restore of the evidence: the PostgreSQL database and the document store (issue 14 §6, deploy/backup-restore.md).

A backup is one folder, `<destination>/<UTC time>/`:

- `database.dump`: `pg_dump -Fc` of the database, taken FIRST: documents are written before the row that records
  them commits and never rewritten, so every file the dump refers to is already in the store when it is read next;
- `documents.tar`: every file of the document store, read through Django's storage API (a local or network
  directory, or S3), in name order;
- `documents.manifest.jsonl`: one line per file of the tar, in the same order: name, size, SHA-256;
- `backup.json`: what was taken, when, the dump's size and SHA-256, counts and durations. Written last: a folder
  without it (a backup interrupted) is refused by `restore`. The folder is named `….partial` until then.

A restore goes into an EMPTY database and an EMPTY store (it refuses anything else: it never merges into, or
overwrites, evidence): `pg_restore` in one transaction, without the dump's owners and grants (the restoring role,
the one `migrate` runs as, owns every table; the app role, DATABASE_APP_ROLE, is granted again by
`core.db_roles.grant_app_role`, so it still cannot rewrite the audit log), then every file written back through
the storage API after its size and SHA-256 were checked against the manifest. The triggers (audit append-only,
pghistory) are created by pg_restore after the rows are loaded, so they neither fire on nor refuse the restored
rows; sequences are set to the dumped values. `verify_audit` and `verify_documents` then prove the result.

Memory stays flat: files are streamed into and out of the tar in chunks (a file larger than SPOOL_BYTES passes
through a temporary file), the manifest is read a line at a time alongside the tar.
"""

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from psycopg.conninfo import make_conninfo

from .db_roles import RoleError, grant_app_role
from .stored_files import CHUNK_BYTES, sha256_of

FORMAT = 1
DUMP, TAR, MANIFEST, SUMMARY = "database.dump", "documents.tar", "documents.manifest.jsonl", "backup.json"
SPOOL_BYTES = 8 * 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class BackupSummary:
    """backup.json."""

    format: int
    created_at: str
    database: str
    dump_bytes: int
    dump_sha256: str
    files: int
    file_bytes: int
    database_seconds: float
    documents_seconds: float


@dataclass
class RestoreSummary:
    files: int
    file_bytes: int
    database_seconds: float
    documents_seconds: float
    app_role: str


# --- The database, through PostgreSQL's own tools ---------------------------------------------------------------

def libpq(using: str) -> tuple[str, dict[str, str]]:
    """(a conninfo string for pg_dump/pg_restore, their environment) for the Django connection `using`.

    The password goes in the environment (PGPASSWORD), not on the command line other users' `ps` shows."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise BackupError(f"Backups use pg_dump and pg_restore: the database is {connection.vendor}, not PostgreSQL.")
    params = {key: value for key, value in connection.get_connection_params().items()
              if isinstance(value, str | int) and key not in ("client_encoding", "prepare_threshold")}
    environment = {**os.environ}
    if params.get("password"):
        environment["PGPASSWORD"] = str(params.pop("password"))
    return make_conninfo(**{key: str(value) for key, value in params.items()}), environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client, the server's major "
                          "version or newer).")
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


def database_is_empty(using: str = "default") -> bool:
    """No table, view or sequence outside PostgreSQL's own schemas: a database just made by CREATE DATABASE."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        return cursor.fetchone()[0] == 0


# --- The document store, through the storage API ----------------------------------------------------------------

def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in `storage` under `folder`, sorted, depth first (listdir works on directories and S3)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a local store never written to has no root directory yet
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for directory in sorted(directories):
        yield from stored_names(storage, prefix + directory)


def store_is_empty(storage: Storage) -> bool:
    return next(stored_names(storage), None) is None


class _HashingReader:
    """A file's reader that hashes what passes through it (tarfile reads each member exactly once)."""

    def __init__(self, handle):
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def _sha256_of_path(path: Path) -> str:
    with path.open("rb") as handle:
        return sha256_of(handle)[0]


# --- Backup -------------------------------------------------------------------------------------------------------

def backup(destination: Path, *, storage: Storage = default_storage, using: str = "default") -> Path:
    """Take a backup into a new folder under `destination`; return the folder."""
    conninfo, environment = libpq(using)
    now = datetime.datetime.now(datetime.UTC)
    folder = Path(destination) / now.strftime("%Y%m%dT%H%M%SZ")
    partial = folder.with_name(folder.name + ".partial")
    if folder.exists() or partial.exists():
        raise BackupError(f"{folder} already exists: one backup a second at most.")
    # Personal data and every document: readable by the backup's owner only. The umask (process-wide: backup is a
    # command, one thread) also covers the file pg_dump creates.
    partial.mkdir(parents=True, mode=0o700)
    previous_umask = os.umask(0o077)
    try:
        _take(partial, storage, conninfo, environment, now, using)
    finally:
        os.umask(previous_umask)
    partial.rename(folder)
    return folder


def _take(partial: Path, storage: Storage, conninfo: str, environment: dict[str, str], now: datetime.datetime,
          using: str) -> None:
    """The dump, then the store, then backup.json, into `partial`."""
    started = time.perf_counter()
    _run(["pg_dump", "--format=custom", f"--file={partial / DUMP}", f"--dbname={conninfo}"], environment)
    database_seconds = time.perf_counter() - started

    started, files, file_bytes = time.perf_counter(), 0, 0
    with tarfile.open(partial / TAR, "w", format=tarfile.PAX_FORMAT) as tar, \
            (partial / MANIFEST).open("w", encoding="utf-8") as manifest:
        for name in stored_names(storage):
            size = storage.size(name)
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = size, int(now.timestamp()), 0o600
            with storage.open(name, "rb") as handle:
                reader = _HashingReader(handle)
                tar.addfile(info, reader)  # reads exactly `size` bytes, or fails: the file changed under us
            if reader.size != size:
                raise BackupError(f"{name} changed size while it was read ({size} → {reader.size} bytes).")
            manifest.write(json.dumps({"name": name, "size": size, "sha256": reader.digest.hexdigest()},
                                      ensure_ascii=False) + "\n")
            files, file_bytes = files + 1, file_bytes + size
    documents_seconds = time.perf_counter() - started

    summary = BackupSummary(
        format=FORMAT, created_at=now.isoformat(), database=connections[using].settings_dict["NAME"] or "",
        dump_bytes=(partial / DUMP).stat().st_size, dump_sha256=_sha256_of_path(partial / DUMP),
        files=files, file_bytes=file_bytes,
        database_seconds=round(database_seconds, 2), documents_seconds=round(documents_seconds, 2),
    )
    (partial / SUMMARY).write_text(json.dumps(asdict(summary), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- Restore ------------------------------------------------------------------------------------------------------

def _check_app_role(role: str, using: str) -> None:
    """The role to grant exists and is no superuser, before anything is restored (grant_app_role checks it again)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
    if found is None:
        raise BackupError(f"DATABASE_APP_ROLE {role!r} does not exist on this server: CREATE ROLE {role} LOGIN first.")
    if found[0]:
        raise BackupError(f"DATABASE_APP_ROLE {role!r} is a superuser: it could switch the audit triggers off.")


def read_summary(folder: Path) -> BackupSummary:
    folder = Path(folder)
    if not (folder / SUMMARY).exists():
        raise BackupError(f"{folder} has no {SUMMARY}: not a backup, or one that did not finish.")
    summary = BackupSummary(**json.loads((folder / SUMMARY).read_text(encoding="utf-8")))
    if summary.format != FORMAT:
        raise BackupError(f"{folder} is a backup of format {summary.format}; this version restores format {FORMAT}.")
    return summary


def restore(folder: Path, *, storage: Storage = default_storage, using: str = "default") -> RestoreSummary:
    """Restore the backup in `folder` into the EMPTY database `using` and the EMPTY `storage`."""
    folder = Path(folder)
    summary = read_summary(folder)
    conninfo, environment = libpq(using)
    if _sha256_of_path(folder / DUMP) != summary.dump_sha256:
        raise BackupError(f"{folder / DUMP} does not match the SHA-256 recorded in {SUMMARY}: the dump is damaged.")
    if not database_is_empty(using):
        raise BackupError("The database is not empty: a restore goes into a database just created (CREATE DATABASE), "
                          "never over existing data.")
    if not store_is_empty(storage):
        raise BackupError("The document store is not empty: a restore writes into an empty store, never over files.")
    role = settings.DATABASE_APP_ROLE
    if role:
        _check_app_role(role, using)

    started = time.perf_counter()
    # --single-transaction: a failure leaves the database empty, ready for another try.
    _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={conninfo}", str(folder / DUMP)], environment)
    if role:
        try:
            grant_app_role(role, using=using)
        except RoleError as error:  # checked before pg_restore: only a role changed meanwhile gets here
            raise BackupError(f"The database is restored, the documents are not, and the app role is not granted: "
                              f"{error}") from error
    database_seconds = time.perf_counter() - started

    started = time.perf_counter()
    files, file_bytes = _restore_documents(folder, storage)
    if files != summary.files:
        raise BackupError(f"{files} documents restored, {SUMMARY} counts {summary.files}.")
    return RestoreSummary(files=files, file_bytes=file_bytes, database_seconds=round(database_seconds, 2),
                          documents_seconds=round(time.perf_counter() - started, 2), app_role=role)


def _restore_documents(folder: Path, storage: Storage) -> tuple[int, int]:
    files, file_bytes = 0, 0
    with tarfile.open(folder / TAR, "r|") as tar, (folder / MANIFEST).open(encoding="utf-8") as manifest:
        while (member := tar.next()) is not None:
            tar.members = []  # a tar keeps every header it read: millions of files would fill the memory
            line = manifest.readline()
            if not line:
                raise BackupError(f"{TAR} holds {member.name}, which {MANIFEST} does not list.")
            expected = json.loads(line)
            if not member.isfile() or member.name != expected["name"]:
                raise BackupError(f"{TAR} holds {member.name} where {MANIFEST} lists {expected['name']}.")
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
                digest, size, source = hashlib.sha256(), 0, tar.extractfile(member)
                while chunk := source.read(CHUNK_BYTES):
                    digest.update(chunk)
                    spool.write(chunk)
                    size += len(chunk)
                if (size, digest.hexdigest()) != (expected["size"], expected["sha256"]):
                    raise BackupError(f"{member.name} in {TAR} does not match its size and SHA-256 in {MANIFEST}.")
                spool.seek(0)
                saved = storage.save(member.name, File(spool, name=member.name))
            if saved != member.name:
                raise BackupError(f"The store saved {member.name} as {saved}: it was not empty.")
            files, file_bytes = files + 1, file_bytes + size
        if manifest.readline():
            raise BackupError(f"{MANIFEST} lists more files than {TAR} holds: the archive is truncated.")
    return files, file_bytes
