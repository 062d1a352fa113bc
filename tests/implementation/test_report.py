"""The completion report (Action.REPORT; Art. 18 [C], CMP-1, CMP-2, CMP-4): filed by the lead implementer, or by
the secretariat for an implementer outside the system; full and truthful (attestation); results against each
milestone and indicator; resources used against allocated; damage; causes; evidence. A numbered "BÁO CÁO" in the
BC register of the proposal's unit, stored once with its SHA-256; exactly one per proposal. It closes the
"completion_report" step and opens the deciding unit's "evaluation" step (EVL-2: 7 working days; EVL-6 path).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from approvals.models import Vote
from approvals.services import decision_approve
from core.models import Notification
from implementation import services
from implementation.models import CompletionReport, ReportEvidence
from proposals.models import Proposal, Step
from proposals.services import proposal_transition
from proposals.transitions import Action, Status
from tests.implementation import helpers as h
from tests.lifecycle import (
    APPROVAL_TEXT,
    EXE_BYTES,
    PDF_BYTES,
    as_,
    audit_events,
    drive_to,
    meeting_with_votes,
    new_profile_version,
    pdf_text,
    sha256,
    submitted_proposal,
    tamper_stored,
    uploaded_file,
)

pytestmark = pytest.mark.frozen_at(h.NOW)  # `real_pdf` on the tests that read an issued document (tests/conftest.py)


@pytest.fixture
def completed(approved, head, proposer):
    h.start(approved, head, proposer)
    h.complete(approved, proposer)
    return h.fresh(approved)


def stop(proposal, head) -> None:
    """The head's stop direction, as the directions app records it: through the transition."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal_transition(proposal=locked, action=Action.STOP, by=head, role="head", unit=locked.decision_unit)


def test_the_lead_files_the_report_which_is_numbered_stored_and_hashed(completed, proposer):
    report = h.file_report(completed, proposer)

    report = CompletionReport.objects.get(pk=report.pk)
    assert report.number == "1/BC-SNV" and report.reported_on == h.TODAY and report.basis == "completed"
    assert report.pdf_sha256 == sha256(report.pdf.read())
    assert (report.signer_name, report.signer_title, report.on_behalf) == (proposer.get_full_name(), "Trưởng phòng", False)
    assert h.fresh(completed).status == Status.REPORTED
    [event] = audit_events(Action.REPORT)
    assert event.payload["pdf_sha256"] == report.pdf_sha256 and event.role == "implementer"


@pytest.mark.real_pdf
def test_the_report_is_a_decree_30_report_to_the_unit_and_its_head(completed, proposer):
    text = pdf_text(CompletionReport.objects.get(pk=h.file_report(completed, proposer).pk).pdf.read())

    assert "Số: 1/BC-SNV" in text and "Hạ Long, ngày 28 tháng 4 năm 2026" in text
    assert "BÁO CÁO Kết quả thực hiện đề xuất đổi mới, sáng tạo" in text
    assert "Kính gửi: - Sở Nội vụ tỉnh Quảng Ninh; - Giám đốc Sở Nội vụ tỉnh Quảng Ninh." in text
    assert "Căn cứ Điều 18 Nghị định số 73/2023/NĐ-CP" in text
    assert "Căn cứ Quyết định số 1/QĐ-SNV ngày 28/04/2026 của Sở Nội vụ tỉnh Quảng Ninh cho triển khai thực hiện" in text
    assert "Tôi cam đoan nội dung báo cáo đầy đủ, trung thực" in text
    assert "III. Tự đánh giá chung: Hoàn thành." in text and "Không có thiệt hại." in text
    assert "Kinh phí đã sử dụng: 480.000.000 đ." in text
    assert f"NGƯỜI BÁO CÁO Trưởng phòng {proposer.get_full_name()}" in text


def test_the_report_closes_its_step_and_opens_the_evaluation_meeting_step(completed, proposer, head, secretariat,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        h.file_report(completed, proposer)

    assert not Step.objects.open().filter(proposal=completed, kind="completion_report").exists()
    step = Step.objects.open().get(proposal=completed, kind="evaluation")
    # Tue 28/04 + 7 WD (EVL-2, Art. 18), skipping 30/04, 01/05 and the weekend.
    assert (step.unit, step.person, step.due_on) == (completed.decision_unit, None, datetime.date(2026, 5, 11))
    assert step.label == "Họp đánh giá kết quả thực hiện"
    notified = {n.recipient for n in Notification.objects.filter(message__contains="báo cáo kết quả thực hiện")}
    assert notified == {head, secretariat}


def test_the_attestation_is_required(completed, proposer):
    with pytest.raises(ValidationError) as refused:
        h.file_report(completed, proposer, attested=False)
    assert "attested" in refused.value.message_dict
    response = as_(proposer).post(h.url("report_file", completed.pk), h.report_post(completed, **{"report-attested": ""}))
    assert response.status_code == 200
    assert "Người báo cáo phải cam đoan nội dung báo cáo đầy đủ, trung thực (Điều 18)." in response.content.decode()
    assert not CompletionReport.objects.exists()


def test_each_milestone_and_indicator_needs_its_outcome_and_result(completed, proposer):
    first, second = h.targets(completed)
    with pytest.raises(ValidationError) as refused:
        h.file_report(completed, proposer, results={first.pk: ("partly", "Một phần."), second.pk: ("", " ")})
    assert set(refused.value.message_dict) == {f"outcome_{second.pk}", f"result_{second.pk}"}

    data = h.report_post(completed, **{f"report-outcome_{first.pk}": "", f"report-result_{second.pk}": ""})
    response = as_(proposer).post(h.url("report_file", completed.pk), data)
    assert response.status_code == 200 and not CompletionReport.objects.exists()
    form = response.context["offer"].form
    assert set(form.errors) == {f"outcome_{first.pk}", f"result_{second.pk}"}


@pytest.mark.real_pdf
def test_damage_declared_needs_a_description_and_an_estimate_in_vnd(completed, proposer):
    with pytest.raises(ValidationError) as refused:
        h.file_report(completed, proposer, damage=True)
    assert set(refused.value.message_dict) == {"damage_description", "damage_amount"}

    report = h.file_report(completed, proposer, damage=True, damage_description="Hỏng 01 máy chủ thử nghiệm.",
                           damage_amount=35_000_000, overall="partly")
    text = pdf_text(CompletionReport.objects.get(pk=report.pk).pdf.read())
    assert "Có thiệt hại: Hỏng 01 máy chủ thử nghiệm." in text and "Giá trị thiệt hại ước tính: 35.000.000 đ." in text
    assert "Tự đánh giá chung: Hoàn thành một phần." in text


def test_no_damage_means_no_description_and_no_amount(completed, proposer):
    report = h.file_report(completed, proposer, damage=False, damage_description="bỏ qua", damage_amount=5)
    assert (report.damage_description, report.damage_amount) == ("", None)


def test_evidence_files_are_checked_stored_and_hashed(completed, proposer, head):
    with pytest.raises(ValidationError) as refused:
        h.file_report(completed, proposer, evidence=[uploaded_file("chay.pdf", EXE_BYTES)])
    assert "chay.pdf" in refused.value.message_dict["evidence"][0]

    response = as_(proposer).post(h.url("report_file", completed.pk), {
        **h.report_post(completed),
        "report-evidence": [SimpleUploadedFile("nghiem-thu.pdf", PDF_BYTES), SimpleUploadedFile("anh.pdf", PDF_BYTES)],
    })
    assert response.status_code == 302
    items = list(ReportEvidence.objects.order_by("pk"))
    assert [i.name for i in items] == ["nghiem-thu.pdf", "anh.pdf"] and {i.sha256 for i in items} == {sha256(PDF_BYTES)}
    download = as_(head).get(h.url("report_evidence", completed.pk, items[0].pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES


def test_exactly_one_report_per_proposal(completed, proposer):
    report = h.file_report(completed, proposer)
    with pytest.raises(ValidationError):
        h.file_report(completed, proposer)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompletionReport.objects.create(**{
            f.attname: getattr(report, f.attname) for f in CompletionReport._meta.concrete_fields if f.name != "id"
        } | {"register_seq": 99})
    assert CompletionReport.objects.count() == 1


@pytest.mark.parametrize("person", ["head", "secretariat", "deputy"])
def test_only_the_lead_cadre_files_the_report(approved, head, proposer, deputy, request, person):
    h.start(approved, head, proposer)
    h.accept(h.assign(approved, head, deputy))  # an implementer, not the lead
    h.complete(approved, proposer)
    with pytest.raises(PermissionDenied):
        h.file_report(approved, request.getfixturevalue(person))


@pytest.mark.real_pdf
def test_the_secretariat_files_for_an_outside_lead(approved, head, secretariat, deputy):
    organisation = h.accept(h.assign(approved, head, lead=True), by=secretariat)
    services.implementation_start(proposal=approved, by=head)
    h.complete(approved, head)
    assert Step.objects.open().get(proposal=approved, kind="completion_report").person is None
    with pytest.raises(PermissionDenied):
        h.file_report(approved, head)  # the head receives the report; the secretariat files it

    report = h.file_report(approved, secretariat)

    assert report.on_behalf and report.implementer == organisation and report.filed_by == secretariat
    assert (report.signer_name, report.signer_title) == ("Nguyễn Văn Liên", "Đại diện Công ty Cổ phần Phần mềm Hạ Long")
    text = pdf_text(CompletionReport.objects.get(pk=report.pk).pdf.read())
    assert f"Báo cáo do cơ quan tham mưu ({secretariat.get_full_name()}) ghi nhận thay người thực hiện" in text


@pytest.mark.real_pdf
def test_a_stopped_proposal_reports_its_results_so_far(approved, head, proposer):
    h.start(approved, head, proposer)
    stop(approved, head)

    report = h.file_report(approved, proposer, overall="partly")

    assert report.basis == "stopped"
    assert "báo cáo kết quả thực hiện đến thời điểm dừng thực hiện" in pdf_text(CompletionReport.objects.get(pk=report.pk).pdf.read())
    assert Step.objects.open().get(proposal=approved, kind="evaluation").label == "Họp đánh giá kết quả thực hiện"


def test_a_stopped_proposal_goes_to_a_conclusion_when_the_profile_says_so(calendar_2026, proposer, head, deputy):
    new_profile_version(stopped_evaluation="conclusion")
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    h.start(proposal, head, proposer)
    stop(proposal, head)
    h.file_report(proposal, proposer, overall="not_completed")
    assert Step.objects.open().get(proposal=proposal, kind="evaluation").label == "Ban hành kết luận đánh giá"


def test_a_heads_own_proposal_is_evaluated_by_the_superior_unit_on_its_profiles_path(calendar_2026, head, superior_head, province):
    new_profile_version(route_b_evaluation="conclusion")
    proposal = submitted_proposal(proposer=head)
    assert proposal.route == "B" and proposal.decision_unit == province
    meeting_with_votes(proposal=proposal, by=superior_head, votes={superior_head: Vote.Choice.FOR}, close=True)
    decision_approve(proposal=proposal, by=superior_head, text=APPROVAL_TEXT)
    h.start(proposal, superior_head, head)  # the superior head assigns and starts; the head of the department leads
    h.complete(proposal, head)

    report = h.file_report(proposal, head)

    assert report.addressed_to == [province.name, "Chủ tịch Ủy ban nhân dân tỉnh Quảng Ninh"]
    step = Step.objects.open().get(proposal=proposal, kind="evaluation")
    assert (step.unit, step.label) == (province, "Ban hành kết luận đánh giá")


def test_the_report_is_offered_to_the_lead_with_one_line_per_target(completed, proposer, head):
    form = h.offered(completed, proposer)["report_file"]
    assert [name for name in form.fields][:4] == [f"{kind}_{t.pk}" for t in h.targets(completed) for kind in ("outcome", "result")]
    assert "report_file" not in h.offered(completed, head)

    response = as_(proposer).post(h.url("report_file", completed.pk), h.report_post(completed))
    assert response.status_code == 302
    report = CompletionReport.objects.get()
    assert report.funds_used == 1_500_000 and [r.outcome for r in report.results.all()] == ["met", "met"]
    assert "report_file" not in h.offered(completed, proposer)


def test_the_panel_shows_the_report_with_its_number_hash_and_download(completed, proposer, head):
    report = CompletionReport.objects.get(pk=h.file_report(completed, proposer).pk)
    html = h.panel_html(completed, head)
    assert "Báo cáo số 1/BC-SNV, ngày 28/04/2026" in html and report.pdf_sha256 in html
    assert h.url("report_pdf", completed.pk, report.pk) in html


def test_the_report_downloads_as_stored_for_those_who_see_the_proposal(completed, proposer, head, inspector, outsider, client):
    report = CompletionReport.objects.get(pk=h.file_report(completed, proposer).pk)
    target = h.url("report_pdf", completed.pk, report.pk)

    for person in (head, proposer, inspector):
        response = as_(person).get(target)
        assert response.status_code == 200 and response.content == report.pdf.open("rb").read()
        assert 'filename="BC-1-BC-SNV.pdf"' in response["Content-Disposition"]
    assert as_(outsider).get(target).status_code == 404
    assert as_(head).post(target).status_code == 405
    assert client.get(target).status_code == 302
    other = drive_to(Status.SUBMITTED, proposer=proposer, head=head, deputy=head)
    assert as_(head).get(h.url("report_pdf", other.pk, report.pk)).status_code == 404


def test_a_tampered_report_is_not_served(completed, proposer, head):
    report = CompletionReport.objects.get(pk=h.file_report(completed, proposer).pk)
    tamper_stored(report.pdf)
    assert as_(head).get(h.url("report_pdf", completed.pk, report.pk)).status_code == 409
