"""Checks on uploaded files: size from settings, type by content (magic bytes), never by the name."""

import hashlib
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ODF_TEXT = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str


def _read_head(archive: zipfile.ZipFile, name: str) -> bytes:
    # Bounded: a small upload can inflate one entry to gigabytes (zip bomb).
    with archive.open(name) as entry:
        return entry.read(len(ODF_TEXT) + 16)


def _zip_kind(uploaded) -> tuple[str, str] | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and _read_head(archive, "mimetype").strip() == ODF_TEXT:
                return "application/vnd.oasis.opendocument.text", "odt"
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
                if "xl/workbook.xml" in names:
                    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    # A crafted archive fails in many ways (encrypted or unknown-method entries, corrupt streams): all mean "refuse".
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, EOFError, zlib.error):
        return None
    finally:
        uploaded.seek(0)
    return None


def sniff(uploaded) -> tuple[str, str] | None:
    """(content type, extension) judged from the bytes, or None when not an accepted kind."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(uploaded)
    return None


def check_upload(uploaded, *, max_bytes: int | None = None) -> CheckedUpload:
    """Validate an uploaded file; raises ValidationError with a Vietnamese message."""
    max_bytes = max_bytes or settings.ATTACHMENT_MAX_BYTES
    if uploaded.size == 0:
        raise ValidationError(_("Tệp rỗng."), code="empty")
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s). Dung lượng tối đa là %(max)s.")
            % {"size": filesizeformat(uploaded.size), "max": filesizeformat(max_bytes)},
            code="too_big",
        )
    kind = sniff(uploaded)
    if kind is None:
        raise ValidationError(
            _("Loại tệp không được chấp nhận. Chỉ nhận PDF, DOCX, XLSX, ODT và ảnh (PNG, JPEG, WEBP); "
              "nội dung tệp được kiểm tra, không dựa vào phần mở rộng."),
            code="bad_type",
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(content_type=kind[0], extension=kind[1], size=uploaded.size, sha256=digest.hexdigest())



