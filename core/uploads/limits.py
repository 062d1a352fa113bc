"""Uploads refused by their size before they are read or written to disk (issue 11 §4).

`UploadLimitMiddleware` answers 413 when the declared Content-Length is over UPLOAD_REQUEST_MAX_BYTES, without
touching the body. When the body is read (multipart), `LimitedUploadHandler` counts what arrives and stops the
upload as soon as one file passes the largest file limit or the files together pass the request limit: a body
without a Content-Length, or one that does not match it, gets no further than that. Django's WSGI request already
reads no more than the declared length; the handler is what bounds the files inside it.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse, UnreadablePostError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

REFUSED = "_upload_refused"


def file_max_bytes() -> int:
    """The largest single file any form accepts: an attachment or an import."""
    return max(settings.ATTACHMENT_MAX_BYTES, settings.IMPORT_MAX_UPLOAD_BYTES)


class LimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes the chunks on to Django's memory/temporary-file handlers, counted."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.total = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file_bytes = 0

    def receive_data_chunk(self, raw_data, start):
        self.file_bytes += len(raw_data)
        self.total += len(raw_data)
        if self.file_bytes > file_max_bytes() or self.total > settings.UPLOAD_REQUEST_MAX_BYTES:
            setattr(self.request, REFUSED, True)
            # Django closes (and so deletes) the partial files and reads no more of the body.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_large(request, size: int | None) -> HttpResponse:
    limit = filesizeformat(settings.UPLOAD_REQUEST_MAX_BYTES)
    if "text/html" not in request.headers.get("Accept", "text/html"):
        return HttpResponse(_("Dữ liệu gửi lên quá lớn (tối đa %(max)s).") % {"max": limit},
                            status=413, content_type="text/plain; charset=utf-8")
    context = {"limit": limit, "size": filesizeformat(size) if size else "", "file_limit": filesizeformat(file_max_bytes())}
    return render(request, "errors/413.html", context, status=413)


class UploadLimitMiddleware:
    """Placed before CsrfViewMiddleware, whose process_view is the first to read a POST body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0  # Django reads nothing of a body whose length it cannot parse
        if size > settings.UPLOAD_REQUEST_MAX_BYTES:
            return _too_large(request, size)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 -- parsed here, under the handler's count, so that a stop answers 413
            except UnreadablePostError:
                return None  # the client went away; as CsrfViewMiddleware does, leave the answer to the view
            if getattr(request, REFUSED, False):
                return _too_large(request, None)
        return None
