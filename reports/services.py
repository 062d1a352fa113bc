"""Ordering, writing, producing and sending the annual review report; producing the internal quarterly report.

Spec reports.md (outline I–VI, the 18 columns, the detail sheet; Decree 09 cut-off; "freezable once sent");
issue 9 items 5–6. Every change takes the acting person, checks the scope (reports.scope), locks the report row,
writes an audit event and leaves the production to a Celery task enqueued on commit with the run's id.
"""

import contextlib
import copy
import datetime
import hashlib
import logging
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import OrgUnit, Position, User
from accounts.permissions import acting_position
from core.audit import audit_record, field_changes
from core.db_router import replica_reads
from core.documents.numbers import next_number
from core.notifications import notify

from . import figures, quarterly
from .models import NARRATIVE_FIELDS, AnnualReport, QuarterlyReport, ReportRun
from .periods import quarter_period, year_period
from .scope import AUTHORS, may_read

logger = logging.getLogger(__name__)

REGISTER = "BC"  # Decree 30, Appendix III: "BC" is the abbreviation of a report (báo cáo)
SIGNERS = (Position.Role.HEAD, Position.Role.DEPUTY)
FIRST_YEAR = 2023  # Decree 73 took effect on 29/09/2023: no report is about an earlier year

FROZEN = _("Báo cáo đã gửi cấp trên: không sửa, không lập lại được.")


def _author(user, unit: OrgUnit, today: datetime.date) -> None:
    if not may_read(user, unit, today=today, roles=AUTHORS):
        raise PermissionDenied(_("Chỉ người đứng đầu, cấp phó, cơ quan tham mưu của đơn vị (hoặc cấp trên) lập báo cáo."))


def _locked(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().select_related("unit").get(pk=report.pk)


def _enqueue(run: ReportRun) -> None:
    from .tasks import produce_report

    transaction.on_commit(lambda: produce_report.delay(run.pk))


def _new_run(report: AnnualReport, *, user, final: bool = False) -> ReportRun:
    version = (report.runs.aggregate(last=Max("version"))["last"] or 0) + 1
    run = ReportRun.objects.create(report=report, version=version, requested_by=user, final=final)
    _enqueue(run)
    return run


@transaction.atomic
def order_annual_report(*, user, unit: OrgUnit, year: int, period_kind: str, today: datetime.date) -> ReportRun:
    """Open (or reopen) the unit's report for the year and produce a version of it in the background."""
    _author(user, unit, today)
    if not FIRST_YEAR <= year <= today.year:
        raise ValidationError({"year": _("Năm báo cáo phải từ %(first)s đến năm nay.") % {"first": FIRST_YEAR}})
    report, created = AnnualReport.objects.get_or_create(
        unit=unit, year=year, period_kind=period_kind, defaults={"created_by": user},
    )
    report = _locked(report)
    if report.frozen:
        raise ValidationError(FROZEN)
    run = _new_run(report, user=user)
    audit_record(
        action="report_order", obj=report, actor=user, unit=unit,
        payload={"year": year, "period_kind": period_kind, "version": run.version, "created": created},
    )
    return run


@transaction.atomic
def request_run(*, user, report: AnnualReport, today: datetime.date) -> ReportRun:
    """A new version with today's figures and the narrative as it stands."""
    report = _locked(report)
    _author(user, report.unit, today)
    if report.frozen:
        raise ValidationError(FROZEN)
    run = _new_run(report, user=user)
    audit_record(action="report_order", obj=report, actor=user, unit=report.unit, payload={"version": run.version})
    return run


@transaction.atomic
def save_narrative(*, user, report: AnnualReport, data: dict, today: datetime.date) -> AnnualReport:
    """The outline's text parts and the recipients, written by the unit's staff; audited field by field."""
    report = _locked(report)
    _author(user, report.unit, today)
    if report.frozen:
        raise ValidationError(FROZEN)
    fields = (*NARRATIVE_FIELDS, "recipients")
    before = copy.copy(report)
    for field in fields:
        if field in data:
            setattr(report, field, data[field])
    report.full_clean()
    report.save()
    changes = field_changes(before, report, fields)
    if changes:
        audit_record(action="report_write", obj=report, actor=user, unit=report.unit, payload={"changes": changes})
    return report


def may_sign(user, report: AnnualReport, today: datetime.date) -> bool:
    """The head or a deputy of the report's unit signs it (what `send_upward` checks through `acting_position`)."""
    return Position.objects.held_on(today).filter(person=user, unit=report.unit, role__in=SIGNERS).exists()


@transaction.atomic
def send_upward(*, user, report: AnnualReport, today: datetime.date) -> ReportRun:
    """Number and sign the report and freeze it (reports.md: "freezable once sent"): the head or a deputy of the
    unit signs; a last version, the one sent, is produced with its number; earlier versions stay as they were."""
    report = _locked(report)
    position = acting_position(user=user, unit=report.unit, roles=SIGNERS, on_date=today)
    if report.frozen:
        raise ValidationError(FROZEN)
    if not report.runs.filter(state=ReportRun.State.DONE).exists():
        raise ValidationError(_("Chưa có phiên bản nào lập xong: lập báo cáo và kiểm tra trước khi gửi."))
    if not report.recipients.strip():
        raise ValidationError({"recipients": _("Ghi nơi nhận (cơ quan cấp trên) trước khi gửi.")})
    number = next_number(unit=report.unit, register=REGISTER, year=today.year)
    report.number, report.register_year, report.register_seq = number.text, number.year, number.seq
    report.issued_on, report.signer, report.signer_title = today, user, position.get_role_display()
    report.state, report.sent_at = AnnualReport.State.SENT, timezone.now()
    report.save()
    run = _new_run(report, user=user, final=True)
    audit_record(
        action="report_send", obj=report, actor=user, role=position.role, unit=report.unit,
        from_state=AnnualReport.State.DRAFT, to_state=AnnualReport.State.SENT,
        payload={"number": report.number, "version": run.version},
    )
    superior = report.unit.parent
    if superior is not None:
        notify(
            recipients=_people(superior), url=f"/bao-cao/nam/{report.pk}/",
            message=gettext_noop("%(unit)s đã gửi báo cáo tổng kết năm %(year)s (số %(number)s)."),
            params={"unit": report.unit.name, "year": report.year, "number": report.number},
        )
    return run


def _people(unit: OrgUnit, roles=AUTHORS) -> list:
    """Who is told about a unit's reports: its head, deputies and secretariat today."""
    positions = Position.objects.held_on(timezone.localdate()).filter(unit=unit, role__in=roles).select_related("person")
    return sorted({position.person for position in positions}, key=lambda person: person.pk)


# --- Production (Celery) ---------------------------------------------------------------------------------------

def _claim(run_id: int) -> ReportRun | None:
    """Take the run unless it is done: a redelivered task (acks_late, a killed worker) makes it again."""
    claimed = ReportRun.objects.filter(pk=run_id, state__in=[ReportRun.State.QUEUED, ReportRun.State.RUNNING]).update(
        state=ReportRun.State.RUNNING, started_at=timezone.now(), progress=0, error="",
    )
    return ReportRun.objects.select_related("report__unit", "report__signer").get(pk=run_id) if claimed else None


def _progress(run: ReportRun, fraction: float, step: str) -> None:
    percent = max(0, min(99, int(fraction * 100)))
    ReportRun.objects.filter(pk=run.pk).update(progress=percent, step=step[:200])


def produce_run(run_id: int) -> ReportRun | None:
    """Compute the figures, write the XLSX, CSV and PDF, store them with their SHA-256; progress as it goes."""
    from . import exports

    run = _claim(run_id)
    if run is None:
        return None
    report = run.report
    try:
        period = year_period(report.year, report.period_kind)
        _progress(run, 0.02, _("Tính số liệu theo đơn vị"))
        with contextlib.ExitStack() as stack:
            # The figures and the detail rows are read from the replica when there is one (issue 14 §3); the
            # progress updates and the stored version go to the primary.
            stack.enter_context(replica_reads())
            table = figures.annual_table(report.unit, period)
            document = annual_document(report, table, period)

            def spooled():
                return stack.enter_context(tempfile.TemporaryFile())

            files = {"detail_csv": ("chi-tiet.csv", spooled()), "csv": ("bieu-so-lieu.csv", spooled()),
                     "xlsx": ("bao-cao.xlsx", spooled()), "pdf": ("bao-cao.pdf", spooled())}
            _progress(run, 0.1, _("Lập biểu chi tiết (CSV)"))
            detail_count = exports.write_detail_csv(
                document, files["detail_csv"][1], progress=lambda f, s: _progress(run, 0.1 + 0.3 * f, s),
            )
            exports.write_table_csv(document, files["csv"][1])
            _progress(run, 0.4, _("Lập tệp Excel"))
            exports.write_xlsx(document, files["xlsx"][1], progress=lambda f, s: _progress(run, 0.4 + 0.4 * f, s))
            _progress(run, 0.85, _("Lập văn bản PDF"))
            files["pdf"][1].write(exports.render_annual_pdf(document))
            _store(run, files, table=table, report=report, detail_count=detail_count)
        return ReportRun.objects.get(pk=run.pk)
    except Exception as error:  # the person sees that it failed; the log keeps the trace
        logger.exception("Report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            state=ReportRun.State.FAILED, error=str(error)[:2000], finished_at=timezone.now(),
        )
        raise


def _digest(handle) -> str:
    """The SHA-256 of a written temporary file, read back in blocks (a national detail sheet is tens of MB)."""
    handle.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    handle.seek(0)
    return digest.hexdigest()


@transaction.atomic
def _store(run: ReportRun, files: dict, *, table, report: AnnualReport, detail_count: int) -> None:
    """The version's files (streamed from their temporary files), figures and narrative; then it is done."""
    run = ReportRun.objects.select_for_update().get(pk=run.pk)
    for field, (name, handle) in files.items():
        setattr(run, f"{field}_sha256", _digest(handle))
        getattr(run, field).save(name, File(handle, name=name), save=False)
    run.figures = snapshot(table)
    run.narrative = report.narrative()
    run.detail_rows = detail_count
    run.state, run.progress, run.step, run.finished_at = ReportRun.State.DONE, 100, "", timezone.now()
    run.save()
    audit_record(
        action="report_produce", obj=report, unit=report.unit,
        payload={"version": run.version, **{field: getattr(run, f"{field}_sha256") for field in files}},
    )


def annual_document(report: AnnualReport, table: figures.Table, period):
    """What the exporters write: the report's particulars, its figures and a fresh detail iterator per file."""
    from . import detail, exports

    signer = report.signer
    return exports.AnnualDocument(
        unit=report.unit, year=report.year, period=period, number=report.number, issued_on=report.issued_on,
        signer_name=signer.get_full_name() if signer else "", signer_title=report.signer_title,
        recipients=[line.strip() for line in report.recipients.splitlines() if line.strip()],
        narrative=report.narrative(), table=table,
        detail=lambda: detail.detail_rows(report.unit, period),
    )


def snapshot(table: figures.Table) -> dict:
    """The data table as the version keeps it (JSON): what its page shows, whatever happens to the records later."""
    def row(item: figures.Row) -> dict:
        return {
            "unit_id": item.unit.pk if item.unit else None,
            "name": item.unit.name if item.unit else "",
            "own": item.own_only,
            "values": {key: value for key, value in item.values.items() if value},
        }

    return {
        "start": table.period.start.isoformat(), "end": table.period.end.isoformat(),
        "rows": [row(item) for item in table.rows], "total": row(table.total),
    }


# --- Internal quarterly report ----------------------------------------------------------------------------------

def produce_quarterly_reports(*, year: int, quarter: int, today: datetime.date) -> int:
    """The internal quarterly report (reports.md [I]) of every unit with proposals in its subtree, once per
    quarter: units already reported on are left as they are. Heads and the secretariat of each new report's
    unit, and the administrators, are notified. Returns the number of reports made."""
    period = quarter_period(year, quarter)
    done = set(QuarterlyReport.objects.filter(year=year, quarter=quarter).values_list("unit_id", flat=True))
    made = []
    # The figures are read from the replica when there is one (issue 14 §3); each report is written, and read
    # inside its transaction, on the primary.
    with replica_reads():
        contents = list(quarterly.contents(period, today=today))
    for unit, content in contents:
        if unit.pk in done:
            continue
        with transaction.atomic():
            report, created = QuarterlyReport.objects.get_or_create(
                unit=unit, year=year, quarter=quarter,
                defaults={"period_start": period.start, "period_end": period.end, "figures": content},
            )
            if not created:
                continue
            audit_record(action="quarterly_report", obj=report, unit=unit, payload={"year": year, "quarter": quarter})
            notify(
                recipients=_people(unit, (Position.Role.HEAD, Position.Role.SECRETARIAT)), url=f"/bao-cao/quy/{report.pk}/",
                message=gettext_noop("Đã có báo cáo nội bộ quý %(quarter)s/%(year)s của %(unit)s."),
                params={"quarter": quarter, "year": year, "unit": unit.name},
            )
        made.append(report)
    if made:
        notify(
            recipients=list(User.objects.filter(is_superuser=True, is_active=True)), url="/bao-cao/",
            message=gettext_noop("Đã lập %(count)s báo cáo nội bộ quý %(quarter)s/%(year)s."),
            params={"count": len(made), "quarter": quarter, "year": year},
        )
    return len(made)
