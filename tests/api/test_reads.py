"""The reads of /api/v1/ per persona (tests/conftest.py): each answers from the selectors the pages use.

The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội."""

import hashlib

import pytest
from django.core.files.base import ContentFile

from api.models import ApiToken
from proposals.models import PlanDocument
from proposals.transitions import Status
from reports.models import AnnualReport, ReportRun
from tests.api.conftest import bearer
from tests.api.helpers import api, assert_problem
from tests.lifecycle import as_, draft_proposal, plans_issued, submitted_proposal, tamper_stored
from tests.proposals.helpers import NOW

pytestmark = pytest.mark.frozen_at(NOW)


def test_the_list_shows_the_person_what_the_list_page_shows(proposer, head, outsider, submitted):
    draft = draft_proposal(proposer=proposer, title="Dự thảo riêng")
    assert {row["id"] for row in bearer(proposer, "read").get(api("proposal_list")).json()["results"]} == {
        submitted.pk, draft.pk}
    body = bearer(head, "read").get(api("proposal_list")).json()
    assert [row["id"] for row in body["results"]] == [submitted.pk]
    assert body["count"] == 1 and body["count_more"] is False and body["next"] is None
    row = body["results"][0]
    assert row["status"] == Status.SUBMITTED and row["unit"]["name"] == submitted.unit.name
    assert row["due_state"] == "on_time" and row["review_due"] == "2026-03-19"
    assert bearer(outsider, "read").get(api("proposal_list")).json()["results"] == []


def test_the_list_takes_the_list_pages_filters(proposer, head, leaders):
    first = submitted_proposal(proposer=proposer, title="Số hóa hồ sơ một cửa")
    submitted_proposal(proposer=proposer, title="Cải cách thủ tục cấp phép")
    client = bearer(head, "read")
    assert [row["id"] for row in client.get(api("proposal_list"), {"q": "so hoa"}).json()["results"]] == [first.pk]
    assert client.get(api("proposal_list"), {"status": Status.APPROVED}).json()["results"] == []


def test_a_filter_the_form_refuses_is_a_400_with_the_field_named(head):
    body = assert_problem(bearer(head, "read").get(api("proposal_list"), {"q": "ab", "status": "nope"}), 400)
    assert set(body["errors"]) == {"q", "status"}


def test_the_list_is_paged_by_keyset_with_the_next_url(proposer, head, leaders, settings):
    created = [submitted_proposal(proposer=proposer, title=f"Đề xuất số {n}") for n in range(23)]
    client = bearer(head, "read")
    first = client.get(api("proposal_list")).json()
    assert len(first["results"]) == 20 and first["count"] == 23
    second = client.get(first["next"]).json()
    assert [row["id"] for row in first["results"] + second["results"]] == [p.pk for p in reversed(created)]
    assert second["next"] is None


def test_a_cursor_not_issued_here_is_a_400(head):
    assert_problem(bearer(head, "read").get(api("proposal_list"), {"cursor": "forged"}), 400)


@pytest.mark.parametrize("rows", [1, 15])
def test_the_list_costs_the_same_queries_whatever_the_rows(proposer, head, leaders, rows, django_assert_num_queries):
    for n in range(rows):
        submitted_proposal(proposer=proposer, title=f"Đề xuất số {n}")
    client = bearer(head, "read")
    # 1 the token with its owner, 2 the paths of the units in scope (the unit filter's choices), 3 the positions
    # held today (the scope), 4 the page, 5 the bounded count, 6 the calendar for the due badges. The token's last
    # use is written at most once a minute: the first call writes it, the second does not.
    client.get(api("proposal_list"))
    with django_assert_num_queries(6):
        response = client.get(api("proposal_list"))
    assert len(response.json()["results"]) == rows


def test_the_detail_gives_the_plan_as_the_person_reads_it(proposer, head, submitted):
    body = bearer(head, "read").get(api("proposal_detail", submitted.pk)).json()
    assert body["id"] == submitted.pk and body["plan_is_draft"] is False and body["versions"] == [1]
    assert body["plan"]["title"] == submitted.title
    draft = draft_proposal(proposer=proposer, title="Bản nháp")
    assert bearer(proposer, "read").get(api("proposal_detail", draft.pk)).json()["plan_is_draft"] is True


def test_versions_and_timeline(head, submitted):
    client = bearer(head, "read")
    versions = client.get(api("version_list", submitted.pk)).json()
    assert [v["number"] for v in versions] == [1] and versions[0]["plan"]["title"] == submitted.title
    events = client.get(api("timeline", submitted.pk)).json()
    assert [event["action"] for event in events] == ["create", "submit"]
    assert events[1]["to_state"] and events[1]["version"] == 1


def test_a_document_is_listed_with_its_sha256_and_downloaded_as_stored(head, submitted):
    client = bearer(head, "read")
    documents = client.get(api("document_list", submitted.pk)).json()
    stored = PlanDocument.objects.get(version__proposal=submitted)
    assert [(d["id"], d["sha256"]) for d in documents] == [(1, stored.pdf_sha256)]
    response = client.get(documents[0]["download"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert hashlib.sha256(content).hexdigest() == stored.pdf_sha256 == response["X-Content-SHA256"]
    assert_problem(client.get(api("document_download", submitted.pk, 2)), 404)


def test_a_document_whose_stored_file_changed_is_refused_with_409(head, submitted):
    plans_issued()
    stored = PlanDocument.objects.get(version__proposal=submitted)
    tamper_stored(stored.pdf, b"tampered")
    assert_problem(bearer(head, "read").get(api("document_download", submitted.pk, 1)), 409)


def test_units_and_positions_are_those_of_the_persons_scope(head, outsider, department, other_unit):
    client = bearer(head, "read")
    units = client.get(api("unit_list")).json()["results"]
    assert [unit["id"] for unit in units] == [department.pk]
    positions = client.get(api("position_list")).json()["results"]
    assert {p["person"]["id"] for p in positions} == {head.pk}
    assert bearer(outsider, "read").get(api("position_list"), {"unit": department.pk}).json()["results"] == []
    assert_problem(client.get(api("position_list"), {"unit": "x"}), 400)


def test_reports_list_is_empty_for_a_proposer_and_a_file_outside_scope_is_404(proposer):
    client = bearer(proposer, ApiToken.Scope.READ)
    assert client.get(api("report_list")).json() == {"next": None, "results": []}
    assert_problem(client.get(api("report_download", 1, "pdf")), 404)
    assert_problem(client.get(api("report_download", 1, "exe")), 404)


def test_the_session_works_too(head, submitted):
    assert as_(head).get(api("proposal_detail", submitted.pk)).status_code == 200


def test_no_credentials_is_a_401_problem(client, submitted):
    body = assert_problem(client.get(api("proposal_detail", submitted.pk)), 401)
    assert body["title"] == "Chưa xác thực"




@pytest.fixture
def produced_report(department, head):
    """An annual report of the department with a produced version whose PDF is stored with its SHA-256."""
    report = AnnualReport.objects.create(unit=department, year=2025, period_kind="calendar", created_by=head)
    run = ReportRun.objects.create(report=report, version=1, state=ReportRun.State.DONE, requested_by=head)
    content = b"%PDF-1.4 report"
    run.pdf.save("bao-cao.pdf", ContentFile(content), save=False)
    run.pdf_sha256 = hashlib.sha256(content).hexdigest()
    run.save()
    return run


def test_a_produced_report_is_listed_and_downloaded_as_stored(head, produced_report):
    client = bearer(head, "read")
    [report] = client.get(api("report_list")).json()["results"]
    [run] = report["runs"]
    assert report["id"] == produced_report.report_id and run["version"] == 1
    assert [(f["kind"], f["sha256"]) for f in run["files"]] == [("pdf", produced_report.pdf_sha256)]
    response = client.get(run["files"][0]["download"])
    assert response.status_code == 200 and response.content == b"%PDF-1.4 report"
    assert response["X-Content-SHA256"] == produced_report.pdf_sha256
    assert_problem(client.get(api("report_download", produced_report.pk, "xlsx")), 404)  # not produced


def test_a_report_outside_scope_or_changed_is_refused(head, outsider, proposer, produced_report):
    assert bearer(outsider, "read").get(api("report_list")).json()["results"] == []
    assert_problem(bearer(proposer, "read").get(api("report_download", produced_report.pk, "pdf")), 404)
    tamper_stored(produced_report.pdf, b"tampered")
    assert_problem(bearer(head, "read").get(api("report_download", produced_report.pk, "pdf")), 409)
