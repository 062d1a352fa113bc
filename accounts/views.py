"""Import of the organisation (units, people, positions) from a spreadsheet: upload → preview → confirm; and the
search behind the people pickers (core.widgets).
"""

import csv
import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.downloads import attachment_response
from core.text import fold, vietnamese_order
from core.widgets import AUTOCOMPLETE_SOURCES, MIN_QUERY_LENGTH

from .forms import ImportUploadForm
from .importing import (
    KINDS,
    PREVIEW_ROWS,
    PendingImportGone,
    max_upload_mb,
    org_import_commit,
    org_import_preview,
    pending_discard,
    pending_load,
    pending_store,
    sample_rows,
)
from .models import OrgUnit, Position, User

AUTOCOMPLETE_LIMIT = 20


def _import_permission_required(view):
    """After login_required: only those holding every permission the import exercises; others get a 403.

    Being staff is not enough: a staff member allowed to edit only the calendar must not create accounts
    and appoint heads through a spreadsheet.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.may_import_organisation():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _preview_url(token: str) -> str:
    return f"{reverse('accounts:import_preview')}?{urlencode({'t': token})}"


def _gone(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Phiên nhập dữ liệu đã hết hạn hoặc đã được ghi. Hãy tải tệp lên lại."))
    return redirect("accounts:import_start")


@require_http_methods(["GET", "POST"])
@login_required
@_import_permission_required
def import_start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            token = pending_store(
                content=form.content,
                kind=form.cleaned_data["kind"],
                file_name=form.cleaned_data["file"].name,
                user=request.user,
            )
            return redirect(_preview_url(token))
    else:
        form = ImportUploadForm()
    context = {
        "form": form,
        "kinds": KINDS.values(),
        "max_upload_mb": max_upload_mb(),
    }
    return render(request, "accounts/import_start.html", context)


@require_GET
@login_required
@_import_permission_required
def import_preview(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "")
    try:
        pending = pending_load(token=token, user=request.user)
    except PendingImportGone:
        return _gone(request)
    result = org_import_preview(kind=pending.kind, content=pending.content)
    context = {
        "token": token,
        "pending": pending,
        "kind": KINDS[pending.kind],
        "result": result,
        "created_rows": result.to_create[:PREVIEW_ROWS],
        "updated_rows": result.to_update[:PREVIEW_ROWS],
        "preview_rows": PREVIEW_ROWS,
    }
    return render(request, "accounts/import_preview.html", context)


@require_POST
@login_required
@_import_permission_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("t", "")
    try:
        pending = pending_load(token=token, user=request.user)
    except PendingImportGone:
        return _gone(request)
    # Checked again from the stored file: the database may have changed since the preview.
    result = org_import_commit(
        kind=pending.kind, content=pending.content, actor=request.user, file_name=pending.file_name
    )
    if not result.committed:
        messages.error(request, _("Không ghi được vì tệp có lỗi. Không có dòng nào được ghi."))
        return redirect(_preview_url(token))
    pending_discard(pending)
    messages.success(
        request,
        _("Đã nhập «%(kind)s» từ tệp %(file)s: tạo mới %(created)d, cập nhật %(updated)d.")
        % {
            "kind": KINDS[pending.kind].label,
            "file": pending.file_name,
            "created": len(result.to_create),
            "updated": len(result.to_update),
        },
    )
    return redirect("accounts:import_start")


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
@_import_permission_required
def import_template(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    """A sample CSV (header + one example row) in UTF-8 with BOM, so that Excel shows Vietnamese."""
    if kind not in KINDS:
        raise Http404
    writer = csv.writer(_Echo())
    lines = ["\ufeff", *(writer.writerow(row) for row in sample_rows(kind))]
    return attachment_response(lines, f"mau-nhap-{kind}.csv", "text/csv; charset=utf-8")


# --- People and unit pickers ---------------------------------------------------------------------------------------------


def _search_words(request: HttpRequest) -> list[str]:
    """The folded words of `?q=` (the first ten), none when shorter than the pickers' minimum. NUL is dropped
    (PostgreSQL refuses it in a string) and the text cut at 200 characters (no `search_name` holds a longer word)."""
    words = fold(request.GET.get("q", "")[:200].replace("\x00", "")).split()
    return words[:10] if len("".join(words)) >= MIN_QUERY_LENGTH else []


def _matching(queryset, words: list[str]):
    """The rows whose folded `search_name` holds every word."""
    for word in words:
        queryset = queryset.filter(search_name__contains=word)
    return queryset


def _person_text(person: User, positions: list[Position]) -> str:
    """"Nguyễn Văn An — Trưởng phòng, Sở Nội vụ": the name and what the person holds today, to tell namesakes apart."""
    held = "; ".join(f"{p.title or p.get_role_display()}, {p.unit.name}" for p in positions)
    return f"{person.get_full_name()} — {held}" if held else person.get_full_name()


@require_GET
@login_required
def people_autocomplete(request: HttpRequest) -> JsonResponse | HttpResponseBadRequest:
    """At most 20 people of the picker's own candidates (`?for=`) whose folded name or username holds every word of
    `?q=`, accents optional, in the Vietnamese order of their names (core.text.vietnamese_order). Queries: the
    candidates' context (the source's own), the page of people (1) and their positions today (1); nothing for a
    query under two characters.
    """
    source = AUTOCOMPLETE_SOURCES["people"].get(request.GET.get("for", ""))
    if source is None:
        return HttpResponseBadRequest(_("Không rõ danh sách cần tìm."))
    words = _search_words(request)
    if not words:
        return JsonResponse({"results": []})
    people = list(_matching(source(request), words).order_by(vietnamese_order("full_name"), "pk")[:AUTOCOMPLETE_LIMIT])
    positions: dict[int, list[Position]] = {}
    held = Position.objects.held_on(timezone.localdate()).filter(person__in=people).select_related("unit")
    for position in held.order_by("unit__path", "role"):
        positions.setdefault(position.person_id, []).append(position)
    return JsonResponse({"results": [{"id": p.pk, "text": _person_text(p, positions.get(p.pk, []))} for p in people]})


def _active_units(request: HttpRequest):
    return OrgUnit.objects.active_on(timezone.localdate())


@require_GET
def units_autocomplete(request: HttpRequest) -> HttpResponse:
    """At most 20 units whose folded name, abbreviation or code holds every word of `?q=`, accents optional, in tree
    order: those active today, open to anyone (the public report form is anonymous and units are public), or with
    `?for=` the units that purpose's form accepts for the signed-in user (core.widgets.autocomplete_source), an
    unknown purpose being a 400. Queries: one, after the purpose's own; none for a query under two characters.
    """
    purpose = request.GET.get("for")
    if purpose is not None and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    source = _active_units if purpose is None else AUTOCOMPLETE_SOURCES["units"].get(purpose)
    if source is None:
        return HttpResponseBadRequest(_("Không rõ danh sách cần tìm."))
    words = _search_words(request)
    if not words:
        return JsonResponse({"results": []})
    units = _matching(source(request), words).select_related("parent")
    return JsonResponse({
        "results": [{"id": u.pk, "text": u.name_with_parent} for u in units.order_by("path")[:AUTOCOMPLETE_LIMIT]]
    })
