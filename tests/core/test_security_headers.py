"""Security headers on the app's responses (issue 11 §3): a strict Content-Security-Policy, Permissions-Policy,
Referrer-Policy, nosniff and X-Frame-Options, in DEBUG as in production (tests/test_deploy_check.py covers HSTS
and the HTTPS redirect, which DEBUG turns off)."""

import re
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from core.views import error_500


def policy(response) -> dict[str, list[str]]:
    """The CSP header as {directive: [sources]}."""
    directives = (part.split() for part in response.headers["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


def assert_hardened(response) -> None:
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no foreign host
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert response.headers["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_login_page_is_sent_with_the_security_headers(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert_hardened(response)


def test_a_signed_in_page_is_sent_with_the_security_headers(client, head):
    client.force_login(head)

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert_hardened(response)


def test_the_server_error_page_styles_itself_with_the_responses_nonce(settings):
    # django-csp leaves DEBUG's 500 pages alone; production's must carry the nonce its <style> uses.
    settings.DEBUG = False
    middleware = CSPMiddleware(error_500)

    response = middleware(RequestFactory().get("/"))

    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]


# Templates the browser renders as pages; e-mails and the PDF documents (WeasyPrint) are not pages.
NOT_PAGES = re.compile(r"(^|/)(email|documents)/")
REFUSED_BY_THE_POLICY = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event-handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "<style> without the nonce": re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE),
}


def page_templates():
    for directory in (Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")):
        for template in directory.rglob("*.html"):
            name = template.relative_to(directory).as_posix()
            if not NOT_PAGES.search(name):
                yield name, template.read_text(encoding="utf-8")


def test_no_page_template_needs_what_the_policy_refuses():
    """The CSP would silently break such a page (a button doing nothing, a bar without its width): move the
    style to static/css/app.css, the script to static/js/, or give the block the nonce."""
    found = [
        f"{name}: {kind}" for name, text in page_templates() for kind, pattern in REFUSED_BY_THE_POLICY.items()
        if pattern.search(text)
    ]

    assert not found, found
    assert sum(1 for _ in page_templates()) > 50  # the templates were found
