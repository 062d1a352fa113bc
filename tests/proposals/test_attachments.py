"""Files attached to a plan (spec README §6): recognised by their content, stored under a generated name with
their size and SHA-256, refused when unknown or crafted, kept as evidence once submitted.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết, where a test asks for `friday` (tests/conftest.py).
"""

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.services import proposal_return
from core.uploads import check_upload
from proposals.models import Attachment
from proposals.services import attachment_add, attachment_remove, proposal_revise, proposal_submit
from tests.lifecycle import EXE_BYTES, INCOMPLETE, PDF_BYTES, REASONS, draft_proposal, sha256, uploaded_file


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def _zip(entries: dict[str, str], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, entries[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, text in entries.items():
            if name != stored_first:
                archive.writestr(name, text)
    return buffer.getvalue()


def _docx() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w:document/>"})


def _xlsx() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "xl/workbook.xml": "<workbook/>"})


def _odt() -> bytes:
    return _zip(
        {"mimetype": "application/vnd.oasis.opendocument.text", "META-INF/manifest.xml": "<manifest/>", "content.xml": "<office/>"},
        stored_first="mimetype",
    )


def test_a_pdf_is_stored_under_a_generated_name_with_its_size_and_digest(friday, proposer, private_media):
    proposal = draft_proposal(proposer=proposer)

    attachment = attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("../../Kế hoạch.pdf", PDF_BYTES))

    attachment.refresh_from_db()
    assert (attachment.content_type, attachment.size, attachment.sha256) == (
        "application/pdf", len(PDF_BYTES), sha256(PDF_BYTES)
    )
    assert attachment.file.name == f"attachments/{proposal.pk}/{attachment.storage_token}"
    assert len(attachment.storage_token) == 32
    stored = private_media / attachment.file.name
    assert stored.read_bytes() == PDF_BYTES
    assert [path for path in private_media.rglob("*") if path.is_file()] == [stored]


def test_an_executable_renamed_pdf_is_refused(friday, proposer, private_media):
    proposal = draft_proposal(proposer=proposer)

    with pytest.raises(ValidationError) as error:
        attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("ke-hoach.pdf", EXE_BYTES))

    assert error.value.code == "bad_type"
    assert not Attachment.objects.exists()
    assert not any(path.is_file() for path in private_media.rglob("*"))


def test_a_file_over_the_size_limit_is_refused(friday, proposer, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PDF_BYTES)
    proposal = draft_proposal(proposer=proposer)

    with pytest.raises(ValidationError) as error:
        attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("lon.pdf", PDF_BYTES + b"\n"))
    assert error.value.code == "too_big"

    # Exactly at the limit is accepted.
    assert attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("vua.pdf", PDF_BYTES)).size == len(PDF_BYTES)


@pytest.mark.parametrize(
    ("build", "name", "content_type"),
    [
        (_docx, "ban-thuyet-minh.pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (_xlsx, "du-toan.docx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (_odt, "de-an", "application/vnd.oasis.opendocument.text"),
        (_png, "so-do.jpg", "image/png"),
    ],
    ids=["docx", "xlsx", "odt", "png"],
)
def test_office_documents_and_images_are_recognised_by_content_not_by_name(friday, proposer, build, name, content_type):
    proposal = draft_proposal(proposer=proposer)
    attachment = attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file(name, build()))
    assert (attachment.content_type, attachment.original_name) == (content_type, name)


def _zip_with_every_entry(flag_bits: int = 0, method: int | None = None) -> bytes:
    """An ODT whose entries claim encryption or an unknown compression method (crafted upload)."""
    data = bytearray(_odt())
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = data.find(signature)
        while start >= 0:
            data[start + flag_at] |= flag_bits
            if method is not None:
                data[start + method_at:start + method_at + 2] = method.to_bytes(2, "little")
            start = data.find(signature, start + 4)
    return bytes(data)


@pytest.mark.parametrize(
    "content",
    [_zip({"notes.txt": "không phải văn bản"}), _zip_with_every_entry(flag_bits=1), _zip_with_every_entry(method=99)],
    ids=["plain-zip", "encrypted-entries", "unknown-compression"],
)
def test_other_or_crafted_zip_files_are_refused_not_crashed_on(friday, proposer, content):
    proposal = draft_proposal(proposer=proposer)
    with pytest.raises(ValidationError) as error:
        attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("tai-lieu.docx", content))
    assert error.value.code == "bad_type"


def test_a_zip_bomb_is_refused_without_inflating_it():
    # 64 MB of padding after the ODT mimetype squeezes into a few dozen kilobytes.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("mimetype", "w") as entry:
        entry.write(b"application/vnd.oasis.opendocument.text")
        for _ in range(64):
            entry.write(b" " * 1024 * 1024)
    upload = uploaded_file("bom.odt", buffer.getvalue())

    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="bom nén"):
            check_upload(upload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 4 * 1024 * 1024


def test_only_the_proposer_attaches_files(friday, proposer, deputy):
    proposal = draft_proposal(proposer=proposer, co_authors=[deputy])
    with pytest.raises(PermissionDenied):
        attachment_add(proposal=proposal, by=deputy, uploaded_file=uploaded_file("a.pdf", PDF_BYTES))


def test_submitted_attachments_are_evidence_and_cannot_be_removed(friday, proposer, head):
    proposal = draft_proposal(proposer=proposer)
    kept = attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("giu.pdf", PDF_BYTES))
    dropped = attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("bo.pdf", PDF_BYTES))
    attachment_remove(attachment=dropped, by=proposer)  # a draft's file can go
    proposal_submit(proposal=proposal, by=proposer)

    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert (kept.version, kept.removed_at) == (1, None)
    assert (dropped.version, dropped.removed_at is not None) == (None, True)
    with pytest.raises(ValidationError):
        attachment_remove(attachment=kept, by=proposer)
    with pytest.raises(ValidationError):
        attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("muon.pdf", PDF_BYTES))

    # Reopened for revision, the plan is a draft again, but version 1's file still stays.
    proposal_return(proposal=proposal, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)
    proposal_revise(proposal=proposal, by=proposer)
    with pytest.raises(ValidationError):
        attachment_remove(attachment=kept, by=proposer)
    kept.refresh_from_db()
    assert kept.removed_at is None
