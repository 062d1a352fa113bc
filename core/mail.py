"""The one place that sends e-mail (spec README §5): a Vietnamese subject, a plain-text body and an HTML body,
all three rendered from templates under `templates/email/`, through the SMTP settings (config/settings.py).

A mail carries titles and links, never a plan's content: the templates are given a notification's text, the
proposal's code and title and an absolute link (`SITE_URL`), nothing else. Every mail ends with a link to the
recipient's e-mail preferences.

Core knows nothing of proposals, so a higher app that does registers a *link describer*: given the local paths
that notifications point at, it returns what to show for each (the proposal's code and title). reminders
registers the one for proposal pages (reminders.apps).
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

LinkDescriber = Callable[[list[str]], dict[str, dict]]
_describers: list[LinkDescriber] = []


def register_link_describer(describer: LinkDescriber) -> None:
    """`describer(paths)` returns {path: {"code": ..., "title": ...}} for the paths it recognises."""
    if describer not in _describers:
        _describers.append(describer)


def describe_links(paths: Iterable[str]) -> dict[str, dict]:
    """What each registered describer says about `paths` (local paths only), in one call per describer."""
    local = sorted({path for path in paths if is_local(path)})
    found: dict[str, dict] = {}
    if not local:
        return found
    for describer in _describers:
        for path, description in describer(local).items():
            found.setdefault(path, description)
    return found


def is_local(path: str) -> bool:
    """A path inside this site ("/de-xuat/5/"), never another site: the same check Django applies to `next`."""
    return bool(path) and path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=set())


def absolute_url(path: str) -> str:
    """`path` on this site as an absolute link (`SITE_URL`), or "" for anything that is not a local path."""
    return f"{settings.SITE_URL}{path}" if is_local(path) else ""


def preferences_url() -> str:
    return absolute_url(reverse("core:notification_preferences"))


def mail_send(*, to: str, template: str, context: dict) -> None:
    """Render `email/<template>_subject.txt`, `email/<template>.txt` and `email/<template>.html` in Vietnamese
    and send them to `to`. Delivery errors propagate: callers mark a mail sent only after this returns."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, "preferences_url": preferences_url(), **context}
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
        # RFC 3834: automatic mail; out-of-office replies should not answer it.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)
    logger.info("E-mail %s sent.", template)
