from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .models import Notification


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: who you are today, in which units, in which roles.

    The positions are the ones the `acting` context processor loads for the navigation bar: one query.
    """
    return render(request, "core/home.html")


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # No context processors that touch the database: the error may be the database itself.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


NOTIFICATIONS_PER_PAGE = 30


def _local_url(url: str, request: HttpRequest) -> str:
    """Notification links point inside the site; anything else is not rendered as a link.

    Django's own check, as for `next`: browsers read "/\\evil.example" as "//evil.example", another site.
    """
    allowed = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return url if allowed else ""


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notifications, newest first, unread ones highlighted."""
    page = Paginator(
        Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk"), NOTIFICATIONS_PER_PAGE
    ).get_page(request.GET.get("trang"))
    items = [(n, _local_url(n.url, request)) for n in page.object_list]
    return render(request, "core/notifications.html", {"page": page, "items": items})


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id`) or all of them as read; only the recipient's own, only the unread ones."""
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    notification_id = request.POST.get("id", "")
    if notification_id:
        if not notification_id.isdigit():
            raise Http404
        get_object_or_404(Notification.objects.filter(recipient=request.user), pk=notification_id)
        unread = unread.filter(pk=notification_id)
    # Conditional UPDATE: a second click or a second tab changes nothing.
    count = unread.update(read_at=timezone.now())
    if not notification_id:
        messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return redirect("core:notifications")
