from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .error_pages import standalone_page
from .forms import NotificationPreferenceForm, parsed_id
from .input_guard import bad_request_page
from .models import Notification
from .notifications import delivery_of, notification_preference_set
from .notifications import notifications_mark_read as mark_read
from .stages import stages


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what awaits you (every stage's inbox sections, core.stages), who you are today, in
    which units, in which roles. The positions are the ones the `acting` context processor loads for the
    navigation bar: one query."""
    return render(request, "core/home.html", {"home_blocks": stages.home(request)})


def error_400(request, exception=None):
    # Also for SuspiciousOperation and BadRequest (too many fields, a malformed picker id): in Vietnamese, no database.
    return bad_request_page(request)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # No context processors that touch the database: the error may be the database itself.
    return standalone_page(request, "errors/500.html", 500)


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
    """Mark one notification (`id`) or all of them as read, through the audited service."""
    raw_id = request.POST.get("id", "")
    notification_id = None
    if raw_id:
        # A malformed id ("²", "١", "1e3", past bigint: issue 11 §6) or another person's notification is not found;
        # one already read is found, and unchanged.
        notification_id = parsed_id(raw_id)
        if notification_id is None:
            raise Http404
        get_object_or_404(Notification.objects.filter(recipient=request.user), pk=notification_id)
    count = mark_read(by=request.user, notification_id=notification_id)
    if notification_id is None:
        messages.success(request, _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count})
    return redirect("core:notifications")


@require_http_methods(["GET", "POST"])
@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """The signed-in person chooses e-mails at once or one daily digest; every e-mail links here."""
    form = NotificationPreferenceForm(request.POST or None, initial={"delivery": delivery_of(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            notification_preference_set(by=request.user, delivery=form.cleaned_data["delivery"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu cách nhận thư thông báo."))
            return redirect("core:notification_preferences")
    return render(request, "core/preferences.html", {"form": form})
