"""The annual reports for the API: those of the units whose reports the person reads (reports.scope, 404 outside),
each produced version's files with the SHA-256 recorded when they were stored."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from core.documents.issued import sha256
from core.downloads import attachment_response
from core.paging import Key, seek_page
from reports.models import AnnualReport, ReportRun
from reports.scope import report_units
from reports.views import FILES, run_filename

from .problems import problem_response

PAGE_SIZE = 50


def _in_scope(user):
    return AnnualReport.objects.filter(unit__in=report_units(user, today=timezone.localdate()).values("pk"))


def _files(run: ReportRun, build_url) -> list[dict]:
    return [{"kind": kind, "sha256": getattr(run, f"{kind}_sha256"),
             "download": build_url(reverse("api:report_download", args=[run.pk, kind]))}
            for kind in FILES if getattr(run, kind)]


def reports_page(user, *, cursor: str | None, build_url) -> tuple[list[dict], str | None]:
    """A page of the reports, newest first, each with its produced versions: three queries (reports, runs, units)."""
    done = ReportRun.objects.filter(state=ReportRun.State.DONE).order_by("-version")
    reports = _in_scope(user).select_related("unit").prefetch_related(Prefetch("runs", queryset=done))
    page = seek_page(reports, [Key("pk", descending=True)], cursor=cursor, size=PAGE_SIZE)
    rows = [{
        "id": report.pk, "unit": report.unit, "year": report.year, "period_kind": report.period_kind,
        "state": report.state, "number": report.number, "issued_on": report.issued_on,
        "runs": [{"id": run.pk, "version": run.version, "final": run.final, "finished_at": run.finished_at,
                  "files": _files(run, build_url)} for run in report.runs.all()],
    } for report in page.rows]
    return rows, page.next_cursor


def report_file(user, run_id: int, kind: str):
    run = (ReportRun.objects.select_related("report__unit")
           .filter(report__in=_in_scope(user).values("pk"), state=ReportRun.State.DONE, pk=run_id).first())
    if run is None or not getattr(run, kind):
        raise NotFound
    with getattr(run, kind).open("rb") as handle:
        content = handle.read()
    digest = sha256(content)
    if digest != getattr(run, f"{kind}_sha256"):
        return problem_response(409, _("Tệp lưu trữ không khớp mã SHA-256 ghi nhận khi lập nên không được cung cấp."))
    response = attachment_response(content, run_filename(run, kind), FILES[kind][1])
    response["X-Content-SHA256"] = digest
    return response
