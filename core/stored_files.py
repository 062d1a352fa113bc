"""Every stored document and the SHA-256 recorded for it (issue 14 §6): what `verify_documents` walks.

A model keeps a stored file in a FileField and its digest in a CharField next to it, named after the file field
(`pdf` → `pdf_sha256`, `minutes_pdf` → `minutes_sha256`, `document` → `document_sha256`) or plain `sha256` for a
model whose one file is `file`. The pairs are found from the models, not listed by hand: a stage app that adds a
document is checked without touching this module, and `tests/core/test_stored_files.py` fails on a FileField with
no digest beside it.

Files are read through their field's storage (local or network directory, S3), one chunk at a time, and the rows
through an iterator: memory stays flat whatever the number and size of the documents.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models

CHUNK_BYTES = 1024 * 1024
ROWS_PER_QUERY = 500


@dataclass(frozen=True)
class HashedFileField:
    """A model's FileField and the CharField keeping the SHA-256 recorded when the file was stored."""

    model: type[models.Model]
    file_field: str
    sha256_field: str

    def __str__(self) -> str:
        return f"{self.model._meta.label}.{self.file_field}"


@dataclass(frozen=True)
class Problem:
    """A stored document that fails its check: `kind` is "missing", "mismatch" or "unreadable"."""

    kind: str
    field: HashedFileField
    pk: object
    name: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind.upper()} {self.field} #{self.pk}: {self.name}{f' ({self.detail})' if self.detail else ''}"


@dataclass
class Tally:
    files: int = 0
    bytes: int = 0
    unrecorded: int = 0  # a file whose row has no digest (stored before digests were kept): read, not compared


def _digest_field(model, file_field: models.FileField) -> str | None:
    names = {field.name for field in model._meta.concrete_fields}
    stem = file_field.name.removesuffix("_pdf")
    candidates = [f"{file_field.name}_sha256", f"{stem}_sha256"] + (["sha256"] if file_field.name == "file" else [])
    return next((name for name in candidates if name in names), None)


def file_fields() -> tuple[list[HashedFileField], list[str]]:
    """(the FileFields with their digest field, the FileFields that have none as "app.Model.field")."""
    hashed, unhashed = [], []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                digest = _digest_field(model, field)
                if digest:
                    hashed.append(HashedFileField(model, field.name, digest))
                else:
                    unhashed.append(f"{model._meta.label}.{field.name}")
    return hashed, unhashed


def sha256_of(handle) -> tuple[str, int]:
    """(hex SHA-256, bytes read) of an open binary file, read to its end a chunk at a time."""
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def verify_stored_files(tally: Tally) -> Iterator[Problem]:
    """Yield each stored document that is missing, unreadable or not the bytes its row recorded; count the rest
    in `tally`. Rows without a file (not issued yet, an optional scan not given) are not documents."""
    hashed, _unhashed = file_fields()
    for field in hashed:
        rows = (
            field.model._base_manager.exclude(**{field.file_field: ""})
            .exclude(**{f"{field.file_field}__isnull": True})
            .order_by("pk")
            .only("pk", field.file_field, field.sha256_field)
        )
        for row in rows.iterator(chunk_size=ROWS_PER_QUERY):
            stored, recorded = getattr(row, field.file_field), getattr(row, field.sha256_field)
            try:
                with stored.storage.open(stored.name, "rb") as handle:
                    actual, size = sha256_of(handle)
            except FileNotFoundError:
                yield Problem("missing", field, row.pk, stored.name)
                continue
            except OSError as error:
                yield Problem("unreadable", field, row.pk, stored.name, str(error))
                continue
            tally.files += 1
            tally.bytes += size
            if not recorded:
                tally.unrecorded += 1
            elif actual != recorded:
                yield Problem("mismatch", field, row.pk, stored.name, f"recorded {recorded}, stored {actual}")
