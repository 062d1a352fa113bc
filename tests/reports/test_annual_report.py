"""Ordering, writing, producing, downloading and sending the annual report (issue 9 item 5; reports.md)."""

import csv
import datetime
import io

import pytest
from django.core import signing
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AuditEvent
from proposals.transitions import Status
from reports import services
from reports.models import AnnualReport, ReportRun
from reports.periods import Kind
from tests.lifecycle import as_, drive_to, fresh, pdf_text

pytestmark = pytest.mark.frozen_at("2026-11-30 09:00 +07:00")  # `real_pdf` on the tests that read an issued document (tests/conftest.py)
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def approved(proposer, head, deputy, leaders):
    return drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)


def _order(client, unit, year=2026, kind=Kind.CALENDAR):
    return client.post(reverse("reports:order"), {"unit": unit.pk, "year": year, "period_kind": kind})


def _links(client, report) -> dict:
    page = client.get(reverse("reports:detail", args=[report.pk]))
    return page.context["versions"][0]["files"]


@pytest.mark.real_pdf
def test_secretariat_orders_the_report_and_downloads_every_file(
    approved, secretariat, department, django_capture_on_commit_callbacks, celery_eager,
):
    client = as_(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = _order(client, department)
    report = AnnualReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:detail", args=[report.pk])
    run = report.runs.get()
    assert run.state == ReportRun.State.DONE and run.progress == 100 and run.detail_rows == 1
    assert run.figures["total"]["values"]["c2_received"] == 1
    links = _links(client, report)
    assert set(links) == {"xlsx", "pdf", "csv", "detail_csv"}
    xlsx = client.get(links["xlsx"])
    assert xlsx.status_code == 200 and 'filename="bao-cao-2026-SNV-v1.xlsx"' in xlsx["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert len(workbook.sheetnames) >= 3
    pdf = client.get(links["pdf"])
    assert "BÁO CÁO" in pdf_text(pdf.content)
    detail = client.get(links["detail_csv"]).content
    assert detail.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(detail.decode("utf-8-sig"))))
    assert approved.title in [cell for row in rows for cell in row]
    assert AuditEvent.objects.filter(action="report_produce", object_id=str(report.pk)).count() == 1


def test_a_run_enqueued_in_a_rolled_back_transaction_never_exists(secretariat, department, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                services.order_annual_report(
                    user=secretariat, unit=department, year=2026, period_kind=Kind.CALENDAR, today=TODAY,
                )
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == [] and not ReportRun.objects.exists()


def test_producing_twice_makes_one_version(approved, secretariat, department, django_capture_on_commit_callbacks):
    """acks_late: a redelivered task finds the version done and leaves it (no second audit event, same files)."""
    with django_capture_on_commit_callbacks():
        run = services.order_annual_report(user=secretariat, unit=department, year=2026, period_kind=Kind.CALENDAR, today=TODAY)
    first = services.produce_run(run.pk)
    assert services.produce_run(run.pk) is None
    assert fresh(first).xlsx_sha256 == first.xlsx_sha256
    assert AuditEvent.objects.filter(action="report_produce").count() == 1


def test_download_link_expires_and_is_personal(
    approved, secretariat, head, department, settings, time_machine, django_capture_on_commit_callbacks, celery_eager,
):
    client = as_(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        _order(client, department)
    link = _links(client, AnnualReport.objects.get())["pdf"]
    assert as_(head).get(link).status_code == 404  # made for the secretariat, not for whoever holds it
    time_machine.move_to(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC) + datetime.timedelta(seconds=settings.REPORT_LINK_MAX_AGE + 3600), tick=False)
    assert client.get(link).status_code == 410
    assert client.get(reverse("reports:download", args=["not-a-token"])).status_code == 404


def test_reports_outside_scope_are_404(approved, secretariat, outsider, proposer, department, django_capture_on_commit_callbacks, celery_eager):
    with django_capture_on_commit_callbacks(execute=True):
        _order(as_(secretariat), department)
    report = AnnualReport.objects.get()
    run = report.runs.get()
    token = signing.dumps({"r": run.pk, "f": "pdf", "u": outsider.pk}, salt="reports.download")
    for person in (outsider, proposer):
        client = as_(person)
        assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
        assert client.get(reverse("reports:progress", args=[run.pk])).status_code == 404
        assert client.post(reverse("reports:rerun", args=[report.pk])).status_code == 404
    assert as_(outsider).get(reverse("reports:download", args=[token])).status_code == 404
    # A cadre may not order a report of their unit either: the unit is not offered, the form refuses it.
    response = _order(as_(proposer), department)
    assert response.status_code == 200 and "unit" in response.context["form"].errors


def test_superior_inspector_reads_and_superuser_reads(approved, secretariat, inspector, admin_user, department,
                                                      django_capture_on_commit_callbacks, celery_eager):
    with django_capture_on_commit_callbacks(execute=True):
        _order(as_(secretariat), department)
    report = AnnualReport.objects.get()
    for person in (inspector, admin_user):
        assert as_(person).get(reverse("reports:detail", args=[report.pk])).status_code == 200


@pytest.mark.real_pdf
def test_narrative_with_a_formula_is_text_in_every_file(
    approved, secretariat, head, department, django_capture_on_commit_callbacks, celery_eager,
):
    client = as_(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        _order(client, department)
    report = AnnualReport.objects.get()
    text = "=HYPERLINK(\"http://x\") Cải cách thủ tục hành chính"
    response = client.post(reverse("reports:write", args=[report.pk]), {"leadership": text, "recipients": "Sở Nội vụ"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:rerun", args=[report.pk]))
    run = report.runs.get(version=2)
    assert run.narrative["leadership"] == text
    links = _links(client, report)
    workbook = load_workbook(io.BytesIO(client.get(links["xlsx"]).content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value == text]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert "Cải cách thủ tục hành chính" in pdf_text(client.get(links["pdf"]).content)


@pytest.mark.real_pdf
def test_sending_numbers_signs_and_freezes(
    approved, secretariat, head, department, province, superior_head, django_capture_on_commit_callbacks, celery_eager,
):
    client = as_(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        _order(client, department)
    report = AnnualReport.objects.get()
    # The secretariat writes; only the head or a deputy signs.
    assert client.post(reverse("reports:send", args=[report.pk])).status_code == 403
    head_client = as_(head)
    head_client.post(reverse("reports:send", args=[report.pk]))
    assert fresh(report).state == AnnualReport.State.DRAFT  # no recipients yet: refused with a message
    client.post(reverse("reports:write", args=[report.pk]), {"recipients": "Ủy ban nhân dân tỉnh Quảng Ninh"})
    with django_capture_on_commit_callbacks(execute=True):
        head_client.post(reverse("reports:send", args=[report.pk]))
    report = fresh(report)
    assert report.state == AnnualReport.State.SENT and report.number == "1/BC-SNV" and report.signer == head
    final = report.runs.get(final=True)
    assert final.version == 2 and final.state == ReportRun.State.DONE
    assert "1/BC-SNV" in pdf_text(final.pdf.open("rb").read())
    assert report.runs.get(version=1).state == ReportRun.State.DONE  # the earlier version is kept
    # Frozen: no more writing, no more versions.
    client.post(reverse("reports:write", args=[report.pk]), {"leadership": "sửa sau khi gửi"})
    client.post(reverse("reports:rerun", args=[report.pk]))
    assert fresh(report).leadership == "" and report.runs.count() == 2
    assert superior_head.notifications.filter(params__number="1/BC-SNV").exists()
