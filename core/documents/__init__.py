"""Official documents, for every stage app: numbered, rendered to a Decree 30 PDF, kept as evidence.

- `numbers`: each unit's registers and the next number (documents.md "Numbering").
- `render`: a template to PDF bytes, in Vietnamese, with the vendored font only (`render_pdf`).
- `layout`: the Decree 30/2020 header, place and date, authority lines (`header`, `authority_line`, ...).
- `filenames`: the names a document is downloaded under.
- `issued`: a document kept on a model with its SHA-256: stored once, served only while it matches its hash,
  a regenerated copy marked and recorded in the audit log (`IssuedDocument`, `store_issued`,
  `download_issued`, `pdf_response`).

A stage app keeps only its templates, the builders of their context and its `IssuedDocument` declarations.
Nothing here imports a stage app or the organisation models: a unit is duck-typed (see `layout`).
"""

from .filenames import REGENERATED_PREFIX, Filenames, ascii_name, display_name
from .issued import (
    BackLink,
    IssuedDocument,
    StoredDocumentMismatch,
    StoredPdf,
    download_issued,
    pdf_response,
    read_issued,
    record_regenerated,
    store_issued,
)
from .layout import (
    Header,
    authority_line,
    header,
    issuer_name,
    long_date,
    parent_body_line,
    place_date,
    short_unit_name,
)
from .numbers import LETTER_REGISTER, DocumentNumber, next_number
from .render import DocumentRenderError, in_vietnamese, render_pdf

__all__ = [
    "LETTER_REGISTER",
    "REGENERATED_PREFIX",
    "BackLink",
    "DocumentNumber",
    "DocumentRenderError",
    "Filenames",
    "Header",
    "IssuedDocument",
    "StoredDocumentMismatch",
    "StoredPdf",
    "ascii_name",
    "authority_line",
    "display_name",
    "download_issued",
    "header",
    "in_vietnamese",
    "issuer_name",
    "long_date",
    "next_number",
    "parent_body_line",
    "pdf_response",
    "place_date",
    "read_issued",
    "record_regenerated",
    "render_pdf",
    "short_unit_name",
    "store_issued",
]
