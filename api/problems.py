"""Every error of /api/ in one shape: `application/problem+json` (RFC 9457) with a Vietnamese `title`, English when
the request asks for it with `Accept-Language` (issue 13 §5), and `errors` by field for invalid input.

Two places produce them: `exception_handler`, for what DRF's views raise, and `ProblemMiddleware`, for the answers
made elsewhere (an unknown URL, a server error, the input guard), which it rewrites in the same shape.
"""


from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"
VALIDATION_TYPE = "urn:d73:problem:validation"

TITLES = {
    400: gettext_lazy("Yêu cầu không hợp lệ"),
    401: gettext_lazy("Chưa xác thực"),
    403: gettext_lazy("Không có quyền thực hiện"),
    404: gettext_lazy("Không tìm thấy"),
    405: gettext_lazy("Phương thức không được hỗ trợ"),
    406: gettext_lazy("Không đáp ứng được định dạng yêu cầu"),
    409: gettext_lazy("Xung đột với trạng thái hiện tại"),
    413: gettext_lazy("Yêu cầu quá lớn"),
    415: gettext_lazy("Kiểu dữ liệu không được hỗ trợ"),
    429: gettext_lazy("Quá nhiều yêu cầu"),
    500: gettext_lazy("Lỗi máy chủ"),
    503: gettext_lazy("Dịch vụ tạm thời không khả dụng"),
}
DETAILS = {
    404: gettext_lazy("Không tìm thấy tài nguyên này, hoặc bạn không có quyền xem."),
    500: gettext_lazy("Đã có lỗi trong hệ thống; vui lòng thử lại sau hoặc báo quản trị hệ thống."),
}


def title_of(status: int) -> str:
    if status in TITLES:
        return str(TITLES[status])
    return str(TITLES[500] if status >= 500 else TITLES[400])


def problem(status: int, detail="", errors: dict | None = None, type_: str = "about:blank") -> dict:
    body = {"type": type_, "title": title_of(status), "status": status,
            "detail": str(detail or DETAILS.get(status, "") or title_of(status))}
    if errors:
        body["errors"] = errors
    return body


def field_errors(detail) -> dict[str, list[str]]:
    """DRF's or Django's errors by field, as lists of strings; errors of the whole input under "non_field_errors"."""
    if isinstance(detail, dict):
        return {str(name): [str(message) for message in (messages if isinstance(messages, list) else [messages])]
                for name, messages in detail.items()}
    return {"non_field_errors": [str(message) for message in (detail if isinstance(detail, list) else [detail])]}


def problem_response(status: int, detail="", errors=None, headers=None, type_: str = "about:blank") -> Response:
    response = Response(problem(status, detail, errors, type_), status=status, content_type=CONTENT_TYPE,
                        headers=headers)
    return response


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django logs it and ProblemMiddleware answers 500 in the same shape
    headers = {name: value for name, value in response.items() if name in ("Retry-After", "WWW-Authenticate", "Allow")}
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(400, _("Dữ liệu gửi lên không hợp lệ."), field_errors(exc.detail), headers,
                                VALIDATION_TYPE)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
    if isinstance(detail, list | dict):
        return problem_response(response.status_code, _("Dữ liệu gửi lên không hợp lệ."), field_errors(detail), headers)
    if isinstance(exc, exceptions.Throttled):
        detail = _("Đã vượt giới hạn số yêu cầu; thử lại sau %(seconds)s giây.") % {"seconds": exc.wait and int(exc.wait)}
    if response.status_code == 404:
        detail = ""
    return problem_response(response.status_code, detail, headers=headers)


def language_asked(request) -> str:
    """English when `Accept-Language` puts it before Vietnamese; Vietnamese otherwise (the source language)."""
    supported = {code for code, _name in settings.LANGUAGES}
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


class ApiLanguageMiddleware:
    """Under /api/, the language of `Accept-Language` (the pages follow the language cookie instead): after
    core.middleware.VietnameseFirstLocaleMiddleware, which it overrides there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        language = language_asked(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response["Content-Language"] = language
        return response


class ProblemMiddleware:
    """Under /api/, any error answer that is not a problem yet rewritten as one: a 404 of an unknown URL, a 500, the
    input guard's 400. Near the top of MIDDLEWARE, so that it sees the answers of the middleware below it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(CONTENT_TYPE):
            status = response.status_code
            with translation.override(language_asked(request)):
                rewritten = JsonResponse(problem(status), status=status, content_type=CONTENT_TYPE)
            for name in ("Retry-After", "Allow", "WWW-Authenticate"):
                if name in response:
                    rewritten[name] = response[name]
            response = rewritten
        response["Content-Language"] = language_asked(request)
        patch_vary_headers(response, ("Accept-Language",))
        return response
