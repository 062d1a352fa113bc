"""Import of the organisation (units, people, positions) from a spreadsheet: upload → preview → confirm."""

import csv
import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.csv"'
    return response
