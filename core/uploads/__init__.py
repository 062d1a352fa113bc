"""Checks on uploaded files: size from settings, type by content (never by the name), archives and images opened
and bounded, an optional virus scan (issue 11 §4). `check_upload` is the one entry point for every upload that is
stored; the request-size limits that act before the body is read are in `core.uploads.limits`."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .archives import check_archive
from .clamav import scan
from .images import reencode_image
from .kinds import sniff, sniff_kind

__all__ = ["CheckedUpload", "check_upload", "sniff"]


@dataclass(frozen=True)
class CheckedUpload:
    """What to store (`file`: the upload itself, or its re-encoded copy for an image) and what to record of it:
    size and hash are those of the stored bytes."""

    content_type: str
    extension: str
    size: int
    sha256: str
    file: File


def _chunks(file: File):
    file.seek(0)
    yield from file.chunks()
    file.seek(0)


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
    kind = sniff_kind(uploaded)
    if kind is None:
        raise ValidationError(
            _("Loại tệp không được chấp nhận. Chỉ nhận PDF, DOCX, XLSX, ODT và ảnh (PNG, JPEG, WEBP); "
              "nội dung tệp được kiểm tra, không dựa vào phần mở rộng."),
            code="bad_type",
        )
    stored = uploaded
    if kind.is_archive:
        check_archive(uploaded, archive_size=uploaded.size)
    elif kind.is_image:
        stored = ContentFile(reencode_image(b"".join(_chunks(uploaded)), kind), name=uploaded.name)
    scan(_chunks(stored), name=uploaded.name)
    digest = hashlib.sha256()
    for chunk in _chunks(stored):
        digest.update(chunk)
    return CheckedUpload(content_type=kind.content_type, extension=kind.extension, size=stored.size,
                         sha256=digest.hexdigest(), file=stored)
