"""The error pages that must render without the database (400, 500, 503): no request context, no base.html with
its navigation bar; their one inline <style> carries the response's CSP nonce (issue 11 §3)."""

from csp.exceptions import CSPNonceError
from django.http import HttpRequest, HttpResponse
from django.template import loader


def _nonce(request: HttpRequest | None) -> str:
    # None when the error came before CSPMiddleware gave the request one: the page is then unstyled, not refused.
    try:
        return str(request.csp_nonce)
    except (AttributeError, CSPNonceError):
        return ""


def standalone_page(request: HttpRequest | None, template: str, status: int) -> HttpResponse:
    return HttpResponse(loader.get_template(template).render({"nonce": _nonce(request)}), status=status)
