"""Who may call each implementation view: anonymous visitors go to the login page, actions refuse GET (405) and
downloads POST (405), outsiders get 404, a member of the unit without the right position or assignment 403; and the
happy path of the actions not exercised elsewhere, through the page.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from implementation import services
from implementation.models import CompletionReport, ProgressEntry, ReportEvidence, Resource
from proposals.transitions import Status
from tests.implementation import helpers as h
from tests.lifecycle import PDF_BYTES, as_, drive_to, uploaded_file

pytestmark = pytest.mark.frozen_at(h.NOW)


@pytest.fixture
def world(approved, head, proposer, secretariat):
    """A proposal through every step of implementation, so that every URL has real records behind it."""
    lead = h.start(approved, head, proposer)
    h.assign(approved, head, lead=False)  # an organisation, still to answer
    entry = services.progress_record(proposal=approved, by=proposer, target=h.targets(approved)[0], status="done",
                                     evidence=uploaded_file("nghiem-thu.pdf", PDF_BYTES))
    h.complete(approved, proposer)
    report = h.file_report(approved, proposer, evidence=[uploaded_file("tong-ket.pdf", PDF_BYTES)])
    return {"proposal": approved, "assignment": lead, "entry": entry, "report": report,
            "file": ReportEvidence.objects.get(report=report)}


# (view, URL keys, a member of the unit the action refuses)
POST_VIEWS = [
    ("resource_record", ("proposal",), "deputy"),
    ("implementer_assign", ("proposal",), "secretariat"),
    ("assignment_answer", ("proposal", "assignment"), "head"),
    ("assignment_record_answer", ("proposal",), "deputy"),
    ("implementation_start", ("proposal",), "secretariat"),
    ("progress_record", ("proposal",), "head"),
    ("implementation_complete", ("proposal",), "secretariat"),
    ("report_file", ("proposal",), "head"),
]
GET_VIEWS = [
    ("report_pdf", ("proposal", "report")),
    ("report_evidence", ("proposal", "file")),
    ("progress_evidence", ("proposal", "entry")),
]


def view_url(world, name, keys) -> str:
    return h.url(name, *(world[key].pk for key in keys))


@pytest.mark.parametrize(("name", "keys"), [v[:2] for v in POST_VIEWS] + GET_VIEWS)
def test_anonymous_is_sent_to_login(client, world, name, keys):
    target = view_url(world, name, keys)
    response = client.get(target) if (name, keys) in GET_VIEWS else client.post(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("name", "keys", "wrong"), POST_VIEWS)
def test_actions_refuse_get(world, head, name, keys, wrong):
    assert as_(head).get(view_url(world, name, keys)).status_code == 405


@pytest.mark.parametrize(("name", "keys"), GET_VIEWS)
def test_downloads_refuse_post(world, head, name, keys):
    assert as_(head).post(view_url(world, name, keys)).status_code == 405


@pytest.mark.parametrize(("name", "keys"), [v[:2] for v in POST_VIEWS] + GET_VIEWS)
def test_outsider_gets_404(world, outsider, name, keys):
    target = view_url(world, name, keys)
    client = as_(outsider)
    response = client.get(target) if (name, keys) in GET_VIEWS else client.post(target)
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "keys", "wrong"), POST_VIEWS)
def test_a_member_without_the_position_or_assignment_gets_403(world, request, name, keys, wrong):
    assert as_(request.getfixturevalue(wrong)).post(view_url(world, name, keys)).status_code == 403


@pytest.mark.parametrize(("name", "keys"), GET_VIEWS + [("assignment_answer", ("proposal", "assignment"))])
def test_a_record_of_another_proposal_is_404(world, proposer, head, name, keys):
    other = drive_to(Status.SUBMITTED, proposer=proposer, head=head, deputy=head)
    client = as_(proposer)
    target = h.url(name, other.pk, world[keys[1]].pk)
    response = client.get(target) if (name, keys) in GET_VIEWS else client.post(target)
    assert response.status_code == 404


def test_the_secretariat_records_a_resource_through_the_page(approved, secretariat):
    response = as_(secretariat).post(h.url("resource_record", approved.pk), {
        "resource-kind": "funds", "resource-description": "Kinh phí thí điểm", "resource-amount": "1.500.000",
        "resource-budget_source": "Ngân sách tỉnh",
    })
    assert response.status_code == 302 and response["Location"] == h.detail(approved) + "#trien-khai"
    assert Resource.objects.get().amount == 1_500_000

    response = as_(secretariat).post(h.url("resource_record", approved.pk), {
        "resource-kind": "funds", "resource-description": "Kinh phí", "resource-amount": "",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cần nhập số tiền (đồng)." in html and "Chưa thực hiện được" in html


def test_the_head_starts_through_the_page_and_the_lead_records_progress(approved, head, proposer):
    h.accept(h.assign(approved, head, proposer, lead=True))
    assert as_(head).post(h.url("implementation_start", approved.pk)).status_code == 302
    assert h.fresh(approved).status == Status.IN_IMPLEMENTATION

    target = h.targets(approved)[0]
    response = as_(proposer).post(h.url("progress_record", approved.pk), {
        "progress-target": target.pk, "progress-status": "in_progress", "progress-value": "50 %",
        "progress-note": "Đã thí điểm.", "progress-evidence": SimpleUploadedFile("anh.pdf", PDF_BYTES),
    })
    assert response.status_code == 302
    assert ProgressEntry.objects.get().evidence_name == "anh.pdf"


def test_the_proposal_page_shows_the_section_and_the_tasks(approved, head):
    html = as_(head).get(h.detail(approved)).content.decode()
    assert 'id="trien-khai"' in html and "Triển khai thực hiện" in html
    box = html.split('aria-labelledby="viec-cua-ban-heading"')[1].split("</aside>")[0]
    assert 'href="#trien-khai"' in box and "Phân công cán bộ, cá nhân, tổ chức thực hiện đề xuất" in box
    assert not CompletionReport.objects.exists()
