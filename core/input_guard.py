"""Malformed input is answered 400 before a view sees it; the database's refusals end in 4xx/503, never 500.

Issue 11 §6: an attacker's run of hostile requests found 500s where PostgreSQL refused a NUL byte in a filter or
a search (a text value may not hold one) and where a query never ended. The causes are fixed where they are
(core.admin for the admin's pickers, core.forms.IdField for ids); this module is the one place that
- refuses NUL bytes and bytes that are not UTF-8 in the path, the query string, a form-encoded body and the
  cookies (Django would silently turn bad bytes into U+FFFD and hand the NUL on to the database);
- answers a `DataError` that still reaches the top (a value the database refuses) with a 400 and a log line;
- answers a statement cancelled by `statement_timeout` (config/settings.py) with a 503 "hệ thống đang bận" page:
  the worker is free again and the person may retry.

A multipart body is not read here: a view may still choose its upload handlers (issue 11 §4), and Django's form
fields refuse a NUL in any text they are given (ProhibitNullCharactersValidator).
"""

import logging
from urllib.parse import unquote_to_bytes

from django.db import DataError, OperationalError, connection
from django.http import HttpRequest, HttpResponse

from .error_pages import standalone_page

logger = logging.getLogger(__name__)

FORM_ENCODED = "application/x-www-form-urlencoded"


def _malformed(raw: bytes) -> bool:
    """True when percent-decoded `raw` holds a NUL byte or is not UTF-8 (separators are ASCII: checking the whole
    string is checking every key and value)."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        return True
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def malformed_input(request: HttpRequest) -> str | None:
    """What is wrong with the request's input ("query string", ...), or None when nothing is."""
    if "\x00" in request.path_info:
        return "path"
    # WSGI hands the query string over as bytes decoded as ISO-8859-1 (PEP 3333): encoding gives the bytes back.
    if _malformed(request.META.get("QUERY_STRING", "").encode("iso-8859-1", errors="replace")):
        return "query string"
    if any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items()):
        return "cookie"
    if request.method == "POST" and request.content_type == FORM_ENCODED and _malformed(request.body):
        return "form body"
    return None


def bad_request_page(request: HttpRequest) -> HttpResponse:
    # Without the database: the session may not have been read yet.
    return standalone_page(request, "errors/400.html", 400)


def _statement_cancelled(exception: Exception) -> bool:
    """PostgreSQL's query_canceled (SQLSTATE 57014): what `statement_timeout` raises."""
    cause = exception.__cause__
    return isinstance(exception, OperationalError) and getattr(cause, "sqlstate", None) == "57014"


class InputGuardMiddleware:
    """Place it before the session middleware: a NUL in the session cookie would reach the database there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = malformed_input(request)
        if problem is not None:
            logger.warning("Refused %s %s: NUL byte or invalid UTF-8 in the %s.", request.method, request.path, problem)
            return bad_request_page(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # SQLite (development) cannot even bind a number past 64 bits, where PostgreSQL finds no row.
        if isinstance(exception, DataError) or (isinstance(exception, OverflowError) and connection.vendor == "sqlite"):
            logger.warning("Refused %s %s: the database refused a value: %s", request.method, request.path, exception)
            return bad_request_page(request)
        if _statement_cancelled(exception):
            logger.error("Cancelled %s %s: statement_timeout reached: %s", request.method, request.path, exception)
            response = standalone_page(request, "errors/503.html", 503)
            response["Retry-After"] = "60"
            return response
        return None
