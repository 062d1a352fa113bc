"""Issued documents kept as evidence (spec README §6): rendered once, stored with their SHA-256, served as stored.

A stage app declares each document it issues with an `IssuedDocument` (which fields of its model keep the file
and the hash, how to render it again, its file names) and calls:

- `store_issued` once, when the document is issued, after every check of its service passed and its rows were
  saved (a refused action writes no file); the digest it returns goes into the service's audit event, which is
  hash-chained;
- `download_issued` from the service that hands the document to a reader: the stored bytes, checked against the
  hash, or a marked copy rendered again when the file is missing, recorded in the audit log ("pdf_regenerated");
- `pdf_response` from the view: the file as an attachment, or the 409 page when the stored file no longer
  matches its hash.

Downloads never serve a fresh rendering in the original's place: templates (or the renderer) changing later
must not change what was issued.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..audit import audit_record
from ..downloads import attachment_response
from .filenames import Filenames

logger = logging.getLogger(__name__)

REGENERATED_ACTION = "pdf_regenerated"
UNAVAILABLE_TEMPLATE = "documents/unavailable.html"


class StoredDocumentMismatch(RuntimeError):
    """The stored file of an issued document no longer matches the SHA-256 recorded when it was issued."""


@dataclass(frozen=True)
class StoredPdf:
    """What a download serves: the stored original, or (`regenerated`) a marked copy rendered again."""

    content: bytes
    regenerated: bool = False


def _no_payload(instance) -> dict:
    return {}


@dataclass(frozen=True)
class IssuedDocument:
    """A document issued and kept on a model instance.

    - `file_field`, `sha256_field`: the FileField keeping the bytes, the CharField keeping their SHA-256.
    - `render(instance, regenerated=...)`: the PDF bytes; `regenerated=True` marks every page as a copy rendered
      again (`templates/documents/base.html`).
    - `filenames(instance)`: the names it is downloaded under.
    - `what(instance)`: the document named in the log ("decision 12 (1/QĐ-SNV)").
    - `number(instance)`: its number, recorded when a regenerated copy is served.
    - `audit_payload(instance)`: further keys of that audit event (the record the document belongs to);
      `audit_unit(instance)`: its unit, the instance's `unit` unless told otherwise.
    """

    file_field: str
    sha256_field: str
    render: Callable[..., bytes]
    filenames: Callable[[Any], Filenames]
    what: Callable[[Any], str]
    number: Callable[[Any], str]
    audit_payload: Callable[[Any], dict] = _no_payload
    audit_unit: Callable[[Any], Any] = attrgetter("unit")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def store_issued(document: IssuedDocument, instance) -> str:
    """Render the document and keep it on `instance`: the file, and its SHA-256 on the row. Returns the digest.

    Once: a document already kept is never replaced (RuntimeError), whatever the caller.
    """
    if getattr(instance, document.file_field):
        raise RuntimeError(f"{document.what(instance)} is already stored: an issued document is never replaced.")
    content = document.render(instance, regenerated=False)
    digest = sha256(content)
    # The model's `upload_to` names the file; this name is only its suffix's source.
    getattr(instance, document.file_field).save("document.pdf", ContentFile(content), save=False)
    setattr(instance, document.sha256_field, digest)
    instance.save(update_fields=[document.file_field, document.sha256_field])
    return digest


def read_issued(document: IssuedDocument, instance) -> StoredPdf:
    """The bytes kept when the document was issued, checked against the SHA-256 recorded then.

    - The file does not match its hash: StoredDocumentMismatch. It is not served: a changed file must not pass
      for the record. Nothing here overwrites it either; the operator restores the original from the backup.
    - The file is missing (deleted, or the document was issued before documents were kept): a copy rendered
      again, marked "BẢN TÁI TẠO" on every page and in its file name, and not stored: its bytes may differ
      from the original's, so it is never evidence in the original's place.
    """
    file, recorded = getattr(instance, document.file_field), getattr(instance, document.sha256_field)
    what = document.what(instance)
    if not file:
        logger.warning("%s has no stored PDF (issued before documents were kept): serving a regenerated copy.", what)
        return StoredPdf(document.render(instance, regenerated=True), regenerated=True)
    try:
        with file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        logger.warning("The stored PDF of %s is missing (%s): serving a regenerated copy.", what, file.name)
        return StoredPdf(document.render(instance, regenerated=True), regenerated=True)
    if recorded and sha256(content) != recorded:
        logger.error(
            "The stored PDF of %s (%s) does not match its recorded SHA-256 %s: refusing to serve it.", what, file.name, recorded
        )
        raise StoredDocumentMismatch(what)
    return StoredPdf(content)


def record_regenerated(document: IssuedDocument, instance, stored: StoredPdf, *, by):
    """A regenerated copy handed to `by` goes into the audit log: who received a copy that is not the stored
    original, of which document, and the hash of what they received next to the one recorded at issue.
    Returns the event, or None for the stored original (nothing to record)."""
    if not stored.regenerated:
        return None
    return audit_record(
        action=REGENERATED_ACTION, obj=instance, actor=by, unit=document.audit_unit(instance),
        payload={**document.audit_payload(instance), "number": document.number(instance),
                 "recorded_sha256": getattr(instance, document.sha256_field), "served_sha256": sha256(stored.content)},
    )


def download_issued(document: IssuedDocument, instance, *, by) -> StoredPdf:
    """The document as stored (or a recorded, marked copy) for `by`; the caller has checked that `by` may read it."""
    stored = read_issued(document, instance)
    record_regenerated(document, instance, stored, by=by)
    return stored


@dataclass(frozen=True)
class BackLink:
    """Where the 409 page leads back to: the record the document belongs to.

    `url` and `label`: the link under the message ("Quay lại đề xuất"); `crumb`: the record's name in the
    breadcrumb, linking to `crumb_url` (`url` when empty).
    """

    url: str
    label: str
    crumb: str = ""
    crumb_url: str = ""


def pdf_response(
    request: HttpRequest, serve: Callable[[], StoredPdf], filenames: Filenames, *, back: BackLink | None = None
) -> HttpResponse:
    """`serve()`'s document as an attachment, its names marked (`ban-tai-tao-…`) for a regenerated copy; the 409
    page, not the file, when the stored file no longer matches the hash recorded at issue (`read_issued`)."""
    try:
        stored = serve()
    except StoredDocumentMismatch:
        return render(request, UNAVAILABLE_TEMPLATE, {"back": back}, status=409)
    if stored.regenerated:
        filenames = filenames.regenerated()
    return attachment_response(stored.content, filenames, "application/pdf")
