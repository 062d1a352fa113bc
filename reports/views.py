"""Pages of the reports: the list, ordering an annual report, its page (narrative, versions, progress, downloads,
sending), the expiring download links and the internal quarterly report. Scope: reports.scope (404 outside)."""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.documents.filenames import ascii_name
from core.documents.issued import sha256
from core.downloads import attachment_response
from incidents.selectors import keyset_page
from proposals.forms import add_service_errors
from proposals.selectors import current_profile

from . import figures, services
from .forms import NarrativeForm, OrderForm
from .models import OUTLINE, AnnualReport, QuarterlyReport, ReportRun
from .periods import Kind
from .scope import AUTHORS, may_read, report_units

DOWNLOAD_SALT = "reports.download"
FILES = {
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("pdf", "application/pdf"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "detail_csv": ("csv", "text/csv; charset=utf-8"),
}


def _in_scope(queryset: QuerySet, request: HttpRequest, roles=None) -> QuerySet:
    units = report_units(request.user, today=timezone.localdate(), **({"roles": roles} if roles else {}))
    return queryset.filter(unit__in=units.values("pk"))


def _after(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else None


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Annual reports and internal quarterly reports of the units in scope, each paged by key (no COUNT)."""
    today = timezone.localdate()
    annual = keyset_page(_in_scope(AnnualReport.objects.select_related("unit"), request), after=_after(request, "nam_sau"))
    quarterly = keyset_page(
        _in_scope(QuarterlyReport.objects.select_related("unit"), request), after=_after(request, "quy_sau"),
    )
    return render(request, "reports/list.html", {
        "annual": annual, "quarterly": quarterly,
        "may_order": request.user.is_superuser or report_units(request.user, today=today, roles=AUTHORS).exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def order(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    units = report_units(request.user, today=today, roles=AUTHORS)
    default_kind = current_profile(on_date=today).annual_report_period
    form = OrderForm(request.POST or None, units=units, today=today, default_kind=default_kind)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.order_annual_report(
                user=request.user, unit=form.cleaned_data["unit"], year=form.cleaned_data["year"],
                period_kind=form.cleaned_data["period_kind"], today=today,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đang lập báo cáo (phiên bản %(version)s).") % {"version": run.version})
            return redirect("reports:detail", pk=run.report_id)
    return render(request, "reports/order.html", {"form": form})


def _report(request: HttpRequest, pk: int) -> AnnualReport:
    return get_object_or_404(_in_scope(AnnualReport.objects.select_related("unit", "signer"), request), pk=pk)


def _link(request: HttpRequest, run: ReportRun, field: str) -> str:
    token = signing.dumps({"r": run.pk, "f": field, "u": request.user.pk}, salt=DOWNLOAD_SALT)
    return reverse("reports:download", args=[token])


def _display_table(snapshot: dict, *, year: int, period_kind: str) -> dict:
    """The version's data table turned for the page: a row per sub-column, grouped by the spec's column, a
    column per unit row and the total (68 sub-columns do not fit across a screen). Column 2's counts link to the
    proposal list with the same filters (calendar periods: the list filters by year)."""
    units = [*snapshot.get("rows", []), snapshot.get("total", {})]
    heads = [{"name": unit.get("name") or _("Tổng cộng"), "own": unit.get("own")} for unit in units]
    links = [
        _list_url(unit.get("unit_id") or snapshot["root_id"], year)
        if period_kind == Kind.CALENDAR and not unit.get("own") else ""  # the list always includes the subtree
        for unit in units
    ]
    groups = []
    for column in figures.COLUMNS:
        if not groups or groups[-1]["number"] != column.group:
            groups.append({"number": column.group, "title": figures.GROUP_TITLES[column.group], "lines": []})
        cells = [
            {
                "value": None if column.key in figures.NOT_APPLICABLE else unit.get("values", {}).get(column.key, 0),
                "url": link if column.key == "c2_received" else "",
            }
            for unit, link in zip(units, links, strict=True)
        ]
        groups[-1]["lines"].append({"title": column.title, "cells": cells, "key": column.key})
    return {"heads": heads, "groups": groups}


def _list_url(unit_id, year: int) -> str:
    """The proposal list with the filters that give column 2's count (calendar periods: the list filters by year)."""
    if not unit_id:
        return ""
    return reverse("proposals:list") + "?" + urlencode({"unit": unit_id, "year": year})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    today = timezone.localdate()
    runs = list(report.runs.select_related("requested_by").order_by("-version"))
    shown = next((run for run in runs if run.state == ReportRun.State.DONE), None)
    may_write = not report.frozen and may_read(request.user, report.unit, today=today, roles=AUTHORS)
    versions = [
        {"run": run, "files": {field: _link(request, run, field) for field in FILES if getattr(run, field)}
         if run.state == ReportRun.State.DONE else {}}
        for run in runs
    ]
    return render(request, "reports/detail.html", {
        "report": report, "runs": runs, "shown": shown, "versions": versions,
        "outline": [(section, heading, getattr(report, field)) for section, field, heading in OUTLINE],
        "table": _display_table(shown.figures | {"root_id": report.unit_id}, year=report.year, period_kind=report.period_kind)
        if shown else None,
        "narrative_form": NarrativeForm(instance=report) if may_write else None,
        "may_write": may_write, "may_send": not report.frozen and services.may_sign(request.user, report, today),
        "working": any(run.state in (ReportRun.State.QUEUED, ReportRun.State.RUNNING) for run in runs),
    })


def _act(request: HttpRequest, pk: int, perform) -> HttpResponse:
    report = _report(request, pk)
    try:
        message = perform(report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, message)
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_POST
def write(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = NarrativeForm(request.POST, instance=AnnualReport.objects.get(pk=report.pk))
    if form.is_valid():
        try:
            services.save_narrative(user=request.user, report=report, data=form.cleaned_data, today=timezone.localdate())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu nội dung báo cáo. Lập lại báo cáo để nội dung mới vào tệp."))
            return redirect("reports:detail", pk=report.pk)
    return render(request, "reports/write.html", {"report": report, "narrative_form": form}, status=400)


@login_required
@require_POST
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(report):
        run = services.request_run(user=request.user, report=report, today=timezone.localdate())
        return _("Đang lập báo cáo (phiên bản %(version)s).") % {"version": run.version}

    return _act(request, pk, perform)


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(report):
        services.send_upward(user=request.user, report=report, today=timezone.localdate())
        return _("Đã ký số hiệu và gửi báo cáo; báo cáo không sửa được nữa. Bản gửi đang được lập.")

    return _act(request, pk, perform)


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The run's progress for the page's bar (static/js/report-progress.js)."""
    run = get_object_or_404(
        ReportRun.objects.filter(report__in=_in_scope(AnnualReport.objects.all(), request).values("pk")), pk=pk,
    )
    return JsonResponse({"state": run.state, "label": run.get_state_display(), "progress": run.progress, "step": run.step})


@login_required
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    """A file of a version, through a link made for this person on the report's page: it works for
    `REPORT_LINK_MAX_AGE` seconds and only while the report is still in their scope."""
    try:
        claim = signing.loads(token, salt=DOWNLOAD_SALT, max_age=settings.REPORT_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return render(request, "reports/link_expired.html", status=410)
    except signing.BadSignature as error:
        raise Http404 from error
    if claim.get("u") != request.user.pk or claim.get("f") not in FILES:
        raise Http404
    run = get_object_or_404(
        ReportRun.objects.select_related("report__unit").filter(
            report__in=_in_scope(AnnualReport.objects.all(), request).values("pk"), state=ReportRun.State.DONE,
        ),
        pk=claim.get("r"),
    )
    field = claim["f"]
    stored = getattr(run, field)
    content = stored.open("rb").read()
    stored.close()
    if sha256(content) != getattr(run, f"{field}_sha256"):
        return render(request, "documents/unavailable.html", status=409)
    return attachment_response(content, run_filename(run, field), FILES[field][1])


def run_filename(run: ReportRun, field: str) -> str:
    """The name a version's file is downloaded under (the page's link and the API): "bao-cao-2026-SNV-v2.pdf"."""
    report = run.report
    stem = ascii_name(f"bao-cao-{report.year}-{report.unit.abbreviation or report.unit.code}-v{run.version}")
    return f"{stem}-chi-tiet.{FILES[field][0]}" if field == "detail_csv" else f"{stem}.{FILES[field][0]}"


@login_required
@require_GET
def quarterly(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(_in_scope(QuarterlyReport.objects.select_related("unit"), request), pk=pk)
    content = report.figures
    as_of = datetime.date.fromisoformat(content["as_of"]) if content.get("as_of") else None
    overdue = [item | {"due_on": datetime.date.fromisoformat(item["due_on"])} for item in content.get("overdue", [])]
    values = content.get("values", {})
    groups = []
    for column in figures.COLUMNS:
        if column.key not in values:
            continue
        if not groups or groups[-1]["number"] != column.group:
            groups.append({"number": column.group, "title": figures.GROUP_TITLES[column.group], "lines": []})
        groups[-1]["lines"].append({"title": column.title, "value": values[column.key]})
    return render(request, "reports/quarterly.html", {
        "report": report, "groups": groups, "due": content.get("due", {}), "as_of": as_of, "overdue": overdue,
    })
