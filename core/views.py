from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import positions_of, today


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: who you are today, in which units, in which roles."""
    positions = list(positions_of(person=request.user, on_date=today()))
    return render(request, "core/home.html", {"positions": positions})


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # No context processors that touch the database: the error may be the database itself.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
