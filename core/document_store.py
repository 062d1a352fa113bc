"""The document store as a whole (issue 14 §2; config/storages.py chooses it, deploy/storage.md runs it).

- `document_store_ready`: is the store usable from this node? (`/readyz` asks.) Reachable is not enough: an NFS
  mount gone read-only, a full disk, an S3 key that may read but not write all answer a listing. The probe does
  what an upload and a download do, through the same default storage: it writes a small object, reads it back,
  compares the bytes and deletes it.
- `documents_copy`: every stored document copied into another store (`manage.py copy_documents --to s3`), each
  one read back from there and checked against the SHA-256 of what was read from here.
"""

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

from .stored_files import file_fields

logger = logging.getLogger(__name__)

PROBE_FOLDER = "health"

# One thread runs the probes: a store that hangs holds that thread, not one per call. While a probe is still
# running, the next call answers "not ready" at once instead of piling up threads behind it. (The S3 client is
# kept per thread, so the same thread also keeps its connection from one probe to the next.)
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="document-store-probe")
_running: Future | None = None
_lock = threading.Lock()


def _probe() -> None:
    content = secrets.token_bytes(32)
    name = default_storage.save(f"{PROBE_FOLDER}/probe-{secrets.token_hex(8)}", ContentFile(content))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != content:
                raise OSError("the probe read back is not what was written")
    finally:
        default_storage.delete(name)


def document_store_ready(timeout: float | None = None) -> tuple[bool, str]:
    """(ready, why): whether a probe object could be written, read back and deleted within `timeout` seconds
    (DOCUMENT_STORE_PROBE_TIMEOUT). Never raises; `why` names the store and the time taken or the failure."""
    global _running
    timeout = settings.DOCUMENT_STORE_PROBE_TIMEOUT if timeout is None else timeout
    store = getattr(settings, "DOCUMENT_STORE", "filesystem")
    with _lock:
        if _running is not None and not _running.done():
            return False, f"{store}: the previous probe has not finished"
        started = time.monotonic()
        _running = future = _executor.submit(_probe)
    try:
        future.result(timeout=timeout)
    except FutureTimeout:
        logger.error("Document store (%s) probe took longer than %.1f s.", store, timeout)
        return False, f"{store}: no answer within {timeout:g} s"
    except Exception as error:  # any failure of the store means "not ready"
        # /readyz answers anyone who asks: it names the error's class only; the log has the message (host names...).
        logger.exception("Document store (%s) probe failed.", store)
        return False, f"{store}: {type(error).__name__}"
    return True, f"{store}: wrote, read and deleted a probe in {(time.monotonic() - started) * 1000:.0f} ms"


# --- Copying every document into another store -----------------------------------------------------------------


@dataclass(frozen=True)
class StoredDocument:
    """A file a row points to: its name in the store and, when the row keeps one, the SHA-256 recorded for it."""

    name: str
    recorded_sha256: str
    where: str  # "proposals.Attachment.file 12", for the report


def stored_documents() -> Iterator[StoredDocument]:
    """Every file that a FileField of any model points to (the default storage's documents), model by model: the
    fields and their digests as `verify_documents` finds them (core.stored_files.file_fields; a test there fails on
    a FileField with no digest beside it)."""
    hashed, _unhashed = file_fields()
    for pair in hashed:
        rows = (pair.model._base_manager.exclude(**{pair.file_field: ""})
                .exclude(**{f"{pair.file_field}__isnull": True})
                .order_by("pk").values_list("pk", pair.file_field, pair.sha256_field))
        for pk, name, recorded in rows.iterator(chunk_size=2000):
            yield StoredDocument(name=name, recorded_sha256=recorded or "", where=f"{pair} {pk}")


@dataclass
class CopyReport:
    copied: int = 0
    already_there: int = 0
    missing: list[str] = field(default_factory=list)  # on the source: nothing to copy
    failed: list[str] = field(default_factory=list)  # not copied, or not read back as written
    # Copied as they are, but they already differed from their recorded hash here: the downloads refuse them on
    # either store; the operator restores them from a backup.
    not_as_recorded: list[str] = field(default_factory=list)


def _sha256_of(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def documents_copy(*, source: Storage, target: Storage, progress: Callable[[str], None] = lambda line: None) -> CopyReport:
    """Copy every stored document from `source` to `target` under the same name, through the storage API.

    Repeatable: a document already on the target with the same bytes is left alone, so an interrupted copy is
    resumed by running it again. One there with other bytes is never overwritten (a failure to look at).
    """
    report = CopyReport()
    for document in stored_documents():
        name = document.name
        try:
            with source.open(name, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            report.missing.append(f"{document.where}: {name}")
            continue
        digest = hashlib.sha256(content).hexdigest()
        if document.recorded_sha256 and digest != document.recorded_sha256:
            report.not_as_recorded.append(f"{document.where}: {name}")
        try:
            if target.exists(name):
                if _sha256_of(target, name) != digest:
                    report.failed.append(f"{document.where}: {name} is on the target with other bytes")
                else:
                    report.already_there += 1
                continue
            saved = target.save(name, ContentFile(content))
            if saved != name:
                report.failed.append(f"{document.where}: {name} was stored as {saved}")
            elif _sha256_of(target, name) != digest:
                report.failed.append(f"{document.where}: {name} does not read back as written")
            else:
                report.copied += 1
                progress(name)
        except Exception as error:  # one document failing is reported; the copy goes on with the next ones
            logger.exception("Copying %s (%s) failed.", name, document.where)
            report.failed.append(f"{document.where}: {name}: {type(error).__name__}: {error}")
    return report
