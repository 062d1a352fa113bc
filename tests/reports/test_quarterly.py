"""The internal quarterly report (reports.md "Internal quarterly report" [I]; issue 9 item 6)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from proposals.transitions import Status
from reports.models import QuarterlyReport
from reports.tasks import produce_quarterly_reports
from tests.lifecycle import as_, drive_to, submitted_proposal


@pytest.fixture
def third_quarter(proposer, head, deputy, leaders, time_machine):
    """Two proposals received in August 2026; one of them still waits for its meeting on 1 October (overdue)."""
    time_machine.move_to("2026-08-03 09:00 +07:00", tick=False)
    waiting = submitted_proposal(proposer=proposer)
    drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    time_machine.move_to("2026-10-01 05:30 +07:00", tick=False)
    return waiting


def test_beat_makes_one_report_per_unit_with_proposals_and_tells_its_leaders(
    third_quarter, head, secretariat, province, department, other_unit, superior_head, admin_user,
    django_capture_on_commit_callbacks,
):
    assert settings.CELERY_BEAT_SCHEDULE["quarterly-reports"]["task"] == "reports.tasks.produce_quarterly_reports"
    with django_capture_on_commit_callbacks(execute=True):
        assert produce_quarterly_reports() == 2
    reports = {report.unit: report for report in QuarterlyReport.objects.all()}
    assert set(reports) == {province, department}  # the other department has no proposal: no report
    report = reports[department]
    assert (report.year, report.quarter) == (2026, 3)
    assert (report.period_start, report.period_end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    values = report.figures["values"]
    assert values["c2_received"] == 2 and values["c5_passed"] == 1
    assert "c9_funds" not in values  # not one of the quarterly columns (2, 4–8, 10–11, 15)
    assert report.figures["due"]["overdue"] == 1
    assert [item["proposal_id"] for item in report.figures["overdue"]] == [third_quarter.pk]
    assert reports[province].figures["values"] == values  # the province's subtree holds the same proposals
    for person in (head, secretariat):
        assert person.notifications.filter(url=f"/bao-cao/quy/{report.pk}/").count() == 1
    assert admin_user.notifications.filter(params__count=2).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert produce_quarterly_reports() == 0  # beat firing twice makes nothing twice
    assert head.notifications.filter(url__startswith="/bao-cao/quy/").count() == 1


def test_page_is_labelled_internal_and_scoped(third_quarter, head, outsider, proposer, department):
    produce_quarterly_reports()
    report = QuarterlyReport.objects.get(unit=department)
    page = as_(head).get(reverse("reports:quarterly", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "BÁO CÁO NỘI BỘ" in html and third_quarter.title in html and "01/07/2026" in html
    for person in (outsider, proposer):
        assert as_(person).get(reverse("reports:quarterly", args=[report.pk])).status_code == 404
    listing = as_(head).get(reverse("reports:list")).content.decode()
    assert reverse("reports:quarterly", args=[report.pk]) in listing
