"""The application's URLs plus the page benchmark's floor (scripts/bench_settings.py): mounted only while it runs."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_GET

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as app_urlpatterns
from proposals.models import Proposal

FLOOR = engines["django"].from_string(
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Sàn đo</title></head><body><table>'
    "{% for row in rows %}<tr><td>{{ row.code|default:'' }}</td><td>{{ row.title }}</td><td>{{ row.status }}</td>"
    "<td>{{ row.received_on|date:'d/m/Y' }}</td></tr>{% endfor %}</table></body></html>"
)


@login_required
@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    """The least a page can cost: the same middleware, session and login, 50 rows of the proposals table read through
    its primary key index, a template; no scoping, no context processors."""
    rows = Proposal.objects.order_by("-pk").values("code", "title", "status", "received_on")[:50]
    return HttpResponse(FLOOR.render({"rows": rows}))


@login_required
@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    """What every page pays around its content: base.html with an empty content block, through the same context
    processors (navigation by role, badges, messages, language switch, footer)."""
    return render(request, "base.html")


urlpatterns = [
    path("bench-floor/", floor, name="bench_floor"),
    path("bench-shell/", shell, name="bench_shell"),
    *app_urlpatterns,
]
