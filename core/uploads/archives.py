"""Zip-bomb guard for OOXML (docx, xlsx) and ODF (odt) uploads, which are zip archives (issue 11 §4).

The central directory's sizes are checked first (cheap, refuses the plain bombs), then every entry is inflated in
bounded chunks and counted: the declared sizes are not trusted, and zipfile's CRC check refuses an entry whose
stream does not match its header.
"""

import tempfile
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .kinds import ZIP_ERRORS

CHUNK = 64 * 1024
# Below this an entry's ratio says nothing (a small XML part compresses well); the bombs are far above it.
RATIO_FLOOR_BYTES = 1024 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# Heads of other compressed streams: refused, not opened.
COMPRESSED_MAGIC = (b"\x1f\x8b", b"BZh", b"7z\xbc\xaf\x27\x1c", b"\xfd7zXZ\x00", b"Rar!")
# A Word file with a chart carries the chart's spreadsheet as a zip inside it: one level of zip is checked like the
# document itself (limits shared with it); a zip inside that one is refused.
MAX_DEPTH = 1


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _check_directory(archive: zipfile.ZipFile, archive_size: int) -> None:
    entries = archive.infolist()
    if len(entries) > settings.UPLOAD_ARCHIVE_MAX_ENTRIES:
        raise _refuse(_("Tệp nén chứa quá nhiều thành phần (%(n)s, tối đa %(max)s).")
                      % {"n": len(entries), "max": settings.UPLOAD_ARCHIVE_MAX_ENTRIES}, "archive_entries")
    total = sum(entry.file_size for entry in entries)
    if total > settings.UPLOAD_ARCHIVE_MAX_BYTES:
        raise _refuse(_("Tệp giải nén ra quá lớn (%(size)s, tối đa %(max)s).")
                      % {"size": filesizeformat(total), "max": filesizeformat(settings.UPLOAD_ARCHIVE_MAX_BYTES)},
                      "archive_size")
    ratio = settings.UPLOAD_ARCHIVE_MAX_RATIO
    overall = total > RATIO_FLOOR_BYTES and total > ratio * max(archive_size, 1)
    one = any(e.file_size > RATIO_FLOOR_BYTES and e.file_size > ratio * max(e.compress_size, 1) for e in entries)
    if overall or one:
        raise _refuse(_("Tệp có tỷ lệ nén bất thường (quá %(ratio)s:1), có thể là “bom nén”.") % {"ratio": ratio},
                      "archive_ratio")


def _nested_refusal() -> ValidationError:
    return _refuse(_("Tệp chứa một tệp nén khác bên trong; hãy lưu thành PDF rồi tải lên."), "archive_nested")


def _inflate(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int, depth: int) -> int:
    """Inflate one entry in bounded chunks; returns its real size. zipfile stops at the declared size and checks
    the CRC there, so a stream longer than its header says is refused rather than read on. An embedded zip (a
    chart's spreadsheet) is spooled and checked in turn, within what is left of the budget."""
    size = 0
    with archive.open(entry) as stream, tempfile.SpooledTemporaryFile(max_size=CHUNK * 16) as embedded:
        nested = False
        while chunk := stream.read(CHUNK):
            if size == 0:
                if chunk.startswith(COMPRESSED_MAGIC) or (chunk.startswith(ZIP_MAGIC) and depth >= MAX_DEPTH):
                    raise _nested_refusal()
                nested = chunk.startswith(ZIP_MAGIC)
            size += len(chunk)
            if size > budget:  # Belt and braces: zipfile already stops at the declared size, checked above.
                raise _refuse(_("Tệp giải nén ra quá lớn."), "archive_size")
            if nested:
                embedded.write(chunk)
        if nested:
            _check(embedded, archive_size=size, budget=budget - size, depth=depth + 1)
    return size


def _check(uploaded, *, archive_size: int, budget: int, depth: int) -> None:
    with zipfile.ZipFile(uploaded) as archive:
        _check_directory(archive, archive_size)
        for entry in archive.infolist():
            if not entry.is_dir():
                budget -= _inflate(archive, entry, budget, depth)


def check_archive(uploaded, *, archive_size: int) -> None:
    """Raise ValidationError unless the archive is within the size, ratio and entry-count limits."""
    uploaded.seek(0)
    try:
        _check(uploaded, archive_size=archive_size, budget=settings.UPLOAD_ARCHIVE_MAX_BYTES, depth=0)
    except ZIP_ERRORS:
        raise _refuse(_("Tệp nén bị hỏng hoặc không đọc được."), "archive_corrupt") from None
    finally:
        uploaded.seek(0)
