"""The deciding unit's steps through the views: consultation, meeting, votes, close, decisions and their PDFs,
the forms' refusals next to their fields, and the document helpers they use.

Personas (tests/conftest.py): the head (giám đốc) and two deputies of the Sở Nội vụ, its secretariat, a
proposer on its staff, an outsider in the Sở Tài chính, an admin. The clock stands on Thursday 05/02/2026
09:00 in Hà Nội (tests/approvals/helpers.py).
"""

import datetime
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Position
from approvals import services
from approvals.forms import RejectForm, ReturnForm
from approvals.models import Consultation, Decision, Meeting, Vote
from approvals.selectors import attendee_candidates
from core.documents import ascii_name, long_date
from core.documents.render import _fonts_only_fetcher_class, font_dir
from core.models import Notification
from proposals.models import Proposal
from tests.approvals.helpers import NOW, TODAY, consult, detail, failed, meeting, panel_html, passed, url
from tests.factories import PositionFactory
from tests.lifecycle import (
    JUSTIFICATION,
    PDF_BYTES,
    REASONS,
    as_,
    complete_plan,
    deciding_panel,
    new_profile_version,
    pdf_text,
    submitted_proposal,
)

pytestmark = pytest.mark.frozen_at(NOW)  # `real_pdf` on the tests that read an issued document (tests/conftest.py)


# --- Forms ---------------------------------------------------------------------------------------------------


def test_the_reject_and_return_forms_share_the_reasons_and_the_return_also_names_the_incomplete_contents():
    """D-8: the return form adds the plan's contents found incomplete (tests/proposals/test_review_fidelity.py)."""
    reject = RejectForm({"reject-reasons": REASONS})
    give_back = ReturnForm({"return-reasons": REASONS, "return-incomplete_items": ["scope"]})
    assert reject.is_valid() and give_back.is_valid()
    assert reject.cleaned_data == {"reasons": REASONS}
    assert give_back.cleaned_data == {"reasons": REASONS, "incomplete_items": ["scope"]}
    assert (reject.fields["reasons"].label, give_back.fields["reasons"].label) == (
        "Lý do không chấp thuận", "Nội dung cần bổ sung, làm rõ"
    )
    assert isinstance(give_back, type(reject))


# --- Someone holding two posts --------------------------------------------------------------------------------


@pytest.mark.real_pdf
def test_a_person_holding_head_and_deputy_posts_is_titled_and_counted_as_head(submitted, head, deputy, deputy2, department):
    PositionFactory(person=head, unit=department, role=Position.Role.DEPUTY, title="Phó Giám đốc",
                    start_date=datetime.date(2023, 1, 1))

    _candidates, titles = attendee_candidates(proposal=submitted)
    assert titles[head.pk] == "Giám đốc"
    closed = passed(submitted, head, deputy, deputy2)
    assert closed.eligible_voters.count() == 3

    text = pdf_text(as_(head).get(url("minutes_pdf", submitted.pk, closed.pk)).content)
    assert f"Chủ trì: {head.get_full_name()}, Giám đốc." in text
    assert f"{head.get_full_name()}, Phó Giám đốc" not in text


# --- The flows, through the views ------------------------------------------------------------------------


@pytest.mark.real_pdf
def test_full_flow_consultation_meeting_three_votes_close_approve_and_documents(submitted, head, deputy, deputy2, secretariat, proposer):
    office, chief = as_(secretariat), as_(head)
    page = chief.get(detail(submitted)).content.decode()
    assert "Ghi nhận ý kiến cấp ủy" in page

    response = office.post(url("consultation_record", submitted.pk), {
        "consultation-committee": "Đảng ủy Sở Nội vụ", "consultation-opinion_date": TODAY,
        "consultation-opinion": "Nhất trí chủ trương.", "consultation-document": SimpleUploadedFile("Ý kiến cấp ủy.pdf", PDF_BYTES),
    })
    assert response.status_code == 302 and response["Location"] == detail(submitted) + "#xet-duyet"
    consultation = Consultation.objects.get()
    download = chief.get(url("consultation_document", submitted.pk, consultation.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"

    response = office.post(url("meeting_open", submitted.pk), {
        "meeting-held_on": TODAY, "meeting-starts_at": "08:30", "meeting-location": "Phòng họp số 1",
        "meeting-secretary_name": "Trần Thị Thư",
        "meeting-attendees": [head.pk, deputy.pk, deputy2.pk],
    })
    assert response.status_code == 302
    opened = Meeting.objects.get()
    assert set(opened.eligible_voters.all()) == {head, deputy, deputy2}

    for person, choice, reason in ((head, "for", ""), (deputy, "for", ""), (deputy2, "against", REASONS)):
        response = as_(person).post(url("vote_cast", submitted.pk, opened.pk), {"vote-choice": choice, "vote-reason": reason})
        assert response.status_code == 302
    assert as_(deputy).post(url("vote_cast", submitted.pk, opened.pk), {"vote-choice": "against", "vote-reason": "Đổi ý"}).status_code == 200
    assert Vote.objects.count() == 3

    response = office.post(url("meeting_close", submitted.pk, opened.pk), {"close-ends_at": "09:00"}, follow=True)
    assert "tập thể lãnh đạo thông qua đề xuất (Biên bản số 1/BB-SNV)" in response.content.decode()
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.COLLECTIVE_PASSED

    text = deciding_panel(proposal=Proposal.objects.get(pk=submitted.pk), user=head)["actions"]["decision_approve"].initial["text"]
    response = chief.post(url("decision_approve", submitted.pk), {"approve-text": text, "approve-competence_confirmed": "on"},
                          follow=True)
    assert "Đã ban hành quyết định cho triển khai thực hiện số 1/QĐ-SNV." in response.content.decode()
    proposal = Proposal.objects.get(pk=submitted.pk)
    assert (proposal.status, proposal.approved_version) == (Proposal.Status.APPROVED, 1)
    decision = Decision.objects.get()

    minutes = as_(proposer).get(url("minutes_pdf", submitted.pk, opened.pk))
    assert minutes.status_code == 200 and minutes.content.startswith(b"%PDF")
    assert minutes["Content-Disposition"] == (
        "attachment; filename=\"BB-1-BB-SNV.pdf\"; filename*=UTF-8''" + quote("Biên bản họp 1-BB-SNV.pdf")
    )
    minutes_text = pdf_text(minutes.content)
    for expected in ("BIÊN BẢN", "Số: 1/BB-SNV", "Hạ Long, ngày 05 tháng 02 năm 2026", "Phòng họp số 1",
                     "Trần Thị Thư", "Tỷ lệ tán thành: 2/3", REASONS, deputy2.get_full_name(), "THƯ KÝ", "CHỦ TRÌ",
                     "Cuộc họp kết thúc vào hồi 09 giờ 00 phút cùng ngày."):
        assert expected in minutes_text, expected

    response = as_(proposer).get(url("decision_pdf", submitted.pk, decision.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="QD-1-QD-SNV.pdf"; filename*=UTF-8\'\'Quy%E1%BA%BFt')
    decision_text = pdf_text(response.content)
    for expected in ("Số: 1/QĐ-SNV", "QUYẾT ĐỊNH", "Về việc cho triển khai thực hiện đề xuất đổi mới, sáng tạo",
                     "Căn cứ Nghị định số 73/2023/NĐ-CP ngày 29 tháng 9 năm 2023 của Chính phủ",  # the profile's bases (D-3)
                     "Căn cứ Biên bản họp tập thể lãnh đạo số 1/BB-SNV", "Điều 1.", "Điều 2.", "Điều 3.",
                     "từ ngày 01/04/2026 đến ngày 31/12/2026", complete_plan()["implementers_targets"], "Nơi nhận:",
                     head.get_full_name()):
        assert expected in decision_text, expected


def test_vote_against_without_reason_is_refused_next_to_the_reason_where_the_profile_asks_for_one(proposer, head, deputy):
    new_profile_version(against_reason_required=True)  # D-12: the unit's rule, not Art. 8(1)'s
    proposal = submitted_proposal(proposer=proposer)
    opened = meeting(proposal, head, [head, deputy])
    response = as_(deputy).post(url("vote_cast", proposal.pk, opened.pk), {"vote-choice": "against"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error_1_id_vote-reason"' in html and "Theo quy định của cơ quan, cần nêu lý do khi không tán thành." in html
    assert not Vote.objects.exists()


@pytest.mark.real_pdf
def test_failed_vote_then_override_with_justification(submitted, head, deputy, deputy2, django_capture_on_commit_callbacks):
    opened = meeting(submitted, head, [head, deputy, deputy2],
                     [(head, "for", ""), (deputy, "against", REASONS), (deputy2, "against", "")])
    chief = as_(head)
    assert chief.post(url("meeting_close", submitted.pk, opened.pk), {"close-ends_at": "09:00"}).status_code == 302
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.COLLECTIVE_FAILED

    response = chief.post(url("decision_override", submitted.pk), {"override-justification": ""})
    assert response.status_code == 200
    assert 'id="error_1_id_override-justification"' in response.content.decode()
    response = chief.post(url("decision_override", submitted.pk),
                          {"override-justification": "Cần thiết.", "override-competence_confirmed": "on"})
    html = response.content.decode()
    assert 'id="error_1_id_override-justification"' in html and "ít nhất 20 ký tự" in html
    assert not Decision.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = chief.post(url("decision_override", submitted.pk),
                              {"override-justification": JUSTIFICATION, "override-competence_confirmed": "on"})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.kind == Decision.Kind.OVERRIDE
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.APPROVED
    assert any(decision.number in n.text() for n in Notification.objects.filter(recipient=submitted.proposer))
    text = pdf_text(chief.get(url("decision_pdf", submitted.pk, decision.pk)).content)
    assert JUSTIFICATION in text
    # The body says the head decided (review finding 9: no boxed notice), under the route's clauses (D-3).
    assert "Người đứng đầu quyết định cho triển khai thực hiện đề xuất theo khoản 3 Điều 7 và khoản 1 Điều 8" in text
    assert "tán thành 1/3" in text
    assert "chịu trách nhiệm trước Ủy ban nhân dân tỉnh Quảng Ninh và trước pháp luật" in text


@pytest.mark.real_pdf
def test_the_override_decision_gives_the_completion_report_deadline_of_the_proposals_profile(proposer, leaders):
    head, deputy, deputy2 = leaders
    new_profile_version(completion_report_deadline_wd=10)
    proposal = submitted_proposal(proposer=proposer)
    failed(proposal, head, deputy, deputy2)

    decision = services.decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)

    text = pdf_text(as_(head).get(url("decision_pdf", proposal.pk, decision.pk)).content)
    assert "trong thời hạn 10 ngày làm việc kể từ ngày hoàn thành" in text and "05 ngày làm việc" not in text


@pytest.mark.real_pdf
def test_reject_with_written_reasons(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    response = as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": REASONS})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.kind, decision.number) == (Decision.Kind.REJECTION, "1/SNV-VP")  # the drafting unit (finding 3)
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.REJECTED
    response = as_(head).get(url("decision_pdf", submitted.pk, decision.pk))
    assert response["Content-Disposition"].startswith('attachment; filename="CV-1-SNV-VP.pdf"')
    text = pdf_text(response.content)
    for expected in ("Số: 1/SNV-VP", "V/v trả lời đề xuất đổi mới, sáng tạo", "Kính gửi:", "không chấp thuận đề xuất", REASONS):
        assert expected in text, expected


def test_reject_with_short_reasons_is_refused_next_to_the_field(submitted, head, deputy, deputy2):
    failed(submitted, head, deputy, deputy2)
    response = as_(head).post(url("decision_reject", submitted.pk), {"reject-reasons": "Không."})
    assert response.status_code == 200
    assert 'id="error_1_id_reject-reasons"' in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.real_pdf
def test_return_for_clarification_before_the_meeting(submitted, head):
    response = as_(head).post(url("proposal_return", submitted.pk), {"return-reasons": REASONS,
                                                                     "return-incomplete_items": ["resources"]})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.RETURNED
    decision = Decision.objects.get()
    assert decision.kind == Decision.Kind.RETURN
    text = pdf_text(as_(head).get(url("decision_pdf", submitted.pk, decision.pk)).content)
    assert "V/v trả lại đề xuất để bổ sung, làm rõ" in text and REASONS in text


def test_adjourn_needs_a_reason_and_reopens_the_proposal(submitted, head, deputy, secretariat):
    opened = meeting(submitted, head, [head, deputy], [(deputy, "for", "")])
    office = as_(secretariat)
    response = office.post(url("meeting_adjourn", submitted.pk, opened.pk), {"adjourn-reason": ""})
    assert response.status_code == 200 and 'id="error_1_id_adjourn-reason"' in response.content.decode()
    response = office.post(url("meeting_adjourn", submitted.pk, opened.pk), {"adjourn-reason": "Thiếu ý kiến thẩm định."})
    assert response.status_code == 302
    assert Meeting.objects.get().state == Meeting.State.ADJOURNED
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.SUBMITTED
    html = panel_html(submitted, head)
    assert "Cuộc họp đã hoãn" in html and "Lý do hoãn:</strong> Thiếu ý kiến thẩm định." in html


def test_meeting_before_the_plan_was_received_is_refused_next_to_the_date(submitted, head, deputy):
    consult(submitted, head)
    response = as_(head).post(url("meeting_open", submitted.pk), {
        "meeting-held_on": "04/02/2026", "meeting-starts_at": "08:30", "meeting-secretary_name": "Trần Thị Thư",
        "meeting-attendees": [head.pk],
    })
    assert response.status_code == 200
    assert 'id="error_1_id_meeting-held_on"' in response.content.decode()


@pytest.mark.real_pdf
def test_tie_follows_the_head_and_is_shown(submitted, head, deputy, deputy2):
    closed = meeting(submitted, head, [head, deputy], [(head, "for", ""), (deputy, "against", REASONS)], close=True)
    assert (closed.passed, closed.tie_break_applied) == (True, True)
    assert "Biểu quyết ngang nhau: theo ý kiến mà người đứng đầu biểu quyết" in panel_html(submitted, deputy2)
    text = pdf_text(as_(head).get(url("minutes_pdf", submitted.pk, closed.pk)).content)
    assert "(theo ý kiến mà người đứng đầu biểu quyết): có" in text
    assert "người đứng đầu biểu quyết tán thành nên kế hoạch được thông qua" in text


@pytest.mark.real_pdf
def test_a_proposing_deputy_is_excluded_and_the_minutes_say_why(head, deputy, deputy2, secretariat):
    proposal = submitted_proposal(proposer=deputy)
    closed = meeting(proposal, secretariat, [head, deputy2], [(head, "for", ""), (deputy2, "for", "")], close=True)
    assert set(closed.eligible_voters.all()) == {head, deputy2}
    html = panel_html(proposal, head)
    assert f"{deputy.get_full_name()} (người đề xuất)" in html
    text = pdf_text(as_(head).get(url("minutes_pdf", proposal.pk, closed.pk)).content)
    assert f"{deputy.get_full_name()} (người đề xuất)" in text
    assert "không biểu quyết đối với đề xuất của chính mình" in text


def test_a_heads_own_proposal_is_decided_by_the_superior_unit(head, deputy, superior_head):
    proposal = submitted_proposal(proposer=head)
    assert proposal.route == Proposal.Route.B
    # D-13: the superior collective may meet before the party committee's opinion (it is asked before approving).
    assert {"consultation_record", "meeting_open", "proposal_return"} <= set(
        deciding_panel(proposal=proposal, user=superior_head)["actions"]
    )
    assert deciding_panel(proposal=proposal, user=head)["actions"] == {}
    response = as_(head).post(url("proposal_return", proposal.pk), {"return-reasons": REASONS})
    assert response.status_code == 403
    response = as_(superior_head).post(url("proposal_return", proposal.pk), {"return-reasons": REASONS,
                                                                              "return-incomplete_items": ["resources"]})
    assert response.status_code == 302
    assert Decision.objects.get().number == "1/UBND-VP"


def test_documents_load_nothing_but_the_vendored_fonts():
    fetcher = _fonts_only_fetcher_class()(font_dir())
    assert fetcher.fetch((font_dir() / "Tinos-Regular.ttf").as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    for refused in ("https://example.com/font.ttf", "file:///etc/passwd", (font_dir() / "OFL.txt").as_uri(),
                    (font_dir() / ".." / ".." / ".." / "manage.py").as_uri()):
        with pytest.raises(ValueError, match="only load the vendored fonts"):
            fetcher.fetch(refused)


def test_documents_date_and_file_names():
    assert long_date(datetime.date(2026, 4, 5)) == "ngày 05 tháng 4 năm 2026"
    assert long_date(datetime.date(2026, 2, 15)) == "ngày 15 tháng 02 năm 2026"
    assert long_date(datetime.date(2026, 12, 1)) == "ngày 01 tháng 12 năm 2026"
    assert ascii_name("12/QĐ-UBND") == "12-QD-UBND"
