"""Every file the app hands out is a download, never shown by the browser (issue 11 §4).

An uploaded file could be HTML or script that only looks like its declared type; served `attachment` with
`nosniff`, the browser saves it instead of rendering it on our origin. The name is given twice (RFC 6266): an
ASCII one for old clients and the Vietnamese one, percent-encoded, in `filename*`.
"""

from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse

from core.documents.filenames import Filenames, ascii_name, display_name

FALLBACK_NAME = "tep"


def filenames_of(name: str) -> Filenames:
    """"Biên bản họp.pdf" → ascii "Bien-ban-hop.pdf", display "Biên bản họp.pdf" (no control characters)."""
    display = display_name("".join(ch for ch in name if ch.isprintable())).strip() or FALLBACK_NAME
    return Filenames(ascii=ascii_name(display) or FALLBACK_NAME, display=display)


def content_disposition(filename: str | Filenames) -> str:
    names = filename if isinstance(filename, Filenames) else filenames_of(filename)
    header = f'attachment; filename="{names.ascii}"'
    if names.display != names.ascii:
        header += f"; filename*=UTF-8''{quote(names.display, safe='')}"
    return header


def attachment_response(content, filename: str | Filenames, content_type: str) -> HttpResponse:
    """`content` as a download: bytes or text, an open binary file (streamed), or an iterable of chunks."""
    if isinstance(content, bytes | str):
        response = HttpResponse(content, content_type=content_type)
    elif hasattr(content, "read"):
        response = FileResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def open_stored(field):
    """A stored FileField's file opened for reading; 404 when the file is gone from the storage."""
    try:
        return field.open("rb")
    except FileNotFoundError:
        raise Http404 from None


def stored_file_response(field, filename: str, content_type: str) -> HttpResponse:
    """A stored upload (attachment, evidence, scan) as a download."""
    return attachment_response(open_stored(field), filename, content_type or "application/octet-stream")
