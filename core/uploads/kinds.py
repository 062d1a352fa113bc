"""What an uploaded file is, judged from its bytes (magic numbers, an archive's member names), never from its name."""

import zipfile
import zlib
from dataclasses import dataclass

ODF_TEXT = b"application/vnd.oasis.opendocument.text"

# A crafted archive fails in many ways (encrypted or unknown-method entries, corrupt streams): all mean "refuse".
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, RuntimeError, NotImplementedError,
              EOFError, ValueError, zlib.error)


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str

    @property
    def is_archive(self) -> bool:
        return self.extension in {"docx", "xlsx", "odt"}

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


PDF = Kind("application/pdf", "pdf")
PNG = Kind("image/png", "png")
JPEG = Kind("image/jpeg", "jpg")
WEBP = Kind("image/webp", "webp")
ODT = Kind("application/vnd.oasis.opendocument.text", "odt")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


def _read_head(archive: zipfile.ZipFile, name: str) -> bytes:
    # Bounded: a small upload can inflate one entry to gigabytes (zip bomb).
    with archive.open(name) as entry:
        return entry.read(len(ODF_TEXT) + 16)


def _zip_kind(uploaded) -> Kind | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and _read_head(archive, "mimetype").strip() == ODF_TEXT:
                return ODT
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except ZIP_ERRORS:
        return None
    finally:
        uploaded.seek(0)
    return None


def sniff_kind(uploaded) -> Kind | None:
    """The accepted kind the bytes are, or None."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(uploaded)
    return None


def sniff(uploaded) -> tuple[str, str] | None:
    """(content type, extension) judged from the bytes, or None when not an accepted kind."""
    kind = sniff_kind(uploaded)
    return (kind.content_type, kind.extension) if kind else None
