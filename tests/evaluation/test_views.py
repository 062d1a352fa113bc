"""Each view of the evaluation stage: the happy path in the browser, anonymous → login, outsider → 404, the wrong
role → 403, GET on an action → 405 (POST on a download too); errors in Vietnamese next to their field, never a 500.

Personas (tests/conftest.py): the head (giám đốc), deputies and secretariat of the Sở Nội vụ, a proposer on its
staff, an outsider in the Sở Tài chính, the province's inspector. Clock: Monday 02/03/2026 09:00 in Hà Nội.
"""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import (
    Conclusion,
    EncouragementForm,
    EncouragementRecord,
    EvaluationConsultation,
    EvaluationMeeting,
    EvaluationVote,
    Measure,
    ProtectionRecord,
)
from proposals.transitions import Status
from tests.evaluation.helpers import FOR, NOW, PROPOSED, consult, detail, evaluated, held, open_meeting, url
from tests.lifecycle import PDF_BYTES, as_, fresh, uploaded_file

pytestmark = pytest.mark.frozen_at(NOW)

DATE = NOW.strftime("%d/%m/%Y")


@pytest.fixture
def world(report, leaders, proposer, secretariat):
    """A proposal evaluated through every step, so that every URL of the app has real objects behind it."""
    head, deputy, _ = leaders
    consult(report, secretariat, document=uploaded_file("y-kien.pdf", PDF_BYTES))
    evaluated(report, head, deputy)
    protection = services.protection_record(proposal=report, by=head, party=f"user:{proposer.pk}",
                                            measure=Measure.NO_LIABILITY, addressee="Hội đồng kỷ luật tỉnh")
    encouragement = services.encouragement_record(proposal=report, by=head, party=f"user:{proposer.pk}",
                                                  form=EncouragementForm.COMMENDATION)
    meeting = EvaluationMeeting.objects.get(proposal=report, state="closed")
    return {"proposal": fresh(report), "meeting": meeting, "protection": protection, "encouragement": encouragement}


POST_VIEWS = [
    ("consultation_record", ()), ("meeting_open", ()), ("vote_cast", ("meeting",)), ("meeting_close", ("meeting",)),
    ("meeting_adjourn", ("meeting",)), ("conclude", ()), ("protection_record", ()), ("protection_decline", ()),
    ("protection_final", ()), ("encouragement_record", ()), ("encouragement_decline", ()), ("close_case", ()),
]
GET_VIEWS = [
    ("consultation_document", ()), ("minutes_pdf", ("meeting",)), ("conclusion_pdf", ()),
    ("protection_pdf", ("protection",)), ("encouragement_pdf", ("encouragement",)),
]


def view_url(world, name, keys) -> str:
    return url(name, world["proposal"].pk, *(world[key].pk for key in keys))


# One world, every view: the checks loop over the views (a world costs a full evaluation with its documents).


def test_anonymous_is_sent_to_login_from_every_view(client, world):
    for name, keys in POST_VIEWS + GET_VIEWS:
        target = view_url(world, name, keys)
        response = client.post(target) if (name, keys) in POST_VIEWS else client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), name


def test_actions_refuse_get_and_downloads_refuse_post(world, head):
    for name, keys in POST_VIEWS:
        assert as_(head).get(view_url(world, name, keys)).status_code == 405, name
    for name, keys in GET_VIEWS:
        assert as_(head).post(view_url(world, name, keys)).status_code == 405, name


def test_an_outsider_gets_404_from_every_view(world, outsider):
    client = as_(outsider)
    for name, keys in POST_VIEWS + GET_VIEWS:
        target = view_url(world, name, keys)
        response = client.post(target, {}) if (name, keys) in POST_VIEWS else client.get(target)
        assert response.status_code == 404, name


def test_documents_download_as_stored_for_whoever_sees_the_proposal(world, inspector, proposer):
    for person in (inspector, proposer):
        client = as_(person)
        for name, keys in GET_VIEWS:
            response = client.get(view_url(world, name, keys))
            assert response.status_code == 200 and response["Cache-Control"] == "private, no-store", name
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert body.startswith(b"%PDF"), name
    stored = world["protection"].pdf.open("rb").read()
    assert as_(proposer).get(view_url(world, "protection_pdf", ("protection",))).content == stored


def test_a_record_of_another_proposal_is_404(world, head, proposer, leaders):
    from tests.evaluation.helpers import reported

    other = reported(proposer=proposer, head=head, deputy=leaders[1])
    assert as_(head).get(url("protection_pdf", other.pk, world["protection"].pk)).status_code == 404
    assert as_(head).get(url("minutes_pdf", other.pk, world["meeting"].pk)).status_code == 404
    assert as_(head).get(url("conclusion_pdf", other.pk)).status_code == 404


# --- Each action in the browser: the right person succeeds, the wrong one gets 403 ------------------------------------


def _post(person, name, proposal, data, *target):
    return as_(person).post(url(name, proposal.pk, *target), data)


def _back(response, proposal):
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"{detail(proposal)}#danh-gia"


def test_consultation_in_the_browser(report, secretariat, deputy):
    data = {"evaluation_consultation-committee": "Đảng ủy Sở Nội vụ", "evaluation_consultation-opinion_date": DATE,
            "evaluation_consultation-opinion": "Nhất trí kết quả.",
            "evaluation_consultation-document": uploaded_file("y-kien.pdf", PDF_BYTES)}
    assert _post(deputy, "consultation_record", report, data).status_code == 403
    data["evaluation_consultation-document"] = uploaded_file("y-kien.pdf", PDF_BYTES)
    _back(_post(secretariat, "consultation_record", report, data), report)
    assert EvaluationConsultation.objects.get().document_sha256


def test_a_bad_scan_is_refused_next_to_its_field_in_vietnamese(report, secretariat):
    from tests.lifecycle import EXE_BYTES

    response = _post(secretariat, "consultation_record", report, {
        "evaluation_consultation-committee": "Đảng ủy", "evaluation_consultation-opinion_date": DATE,
        "evaluation_consultation-opinion": "Nhất trí.", "evaluation_consultation-document": uploaded_file("x.pdf", EXE_BYTES)})
    assert response.status_code == 200
    assert "Loại tệp không được chấp nhận" in response.context["offer"].form.errors["document"][0]


def _meeting_data(attendees, **overrides):
    data = {"evaluation_meeting-held_on": DATE, "evaluation_meeting-starts_at": "08:30",
            "evaluation_meeting-secretary_name": "Trần Thị Thư", "evaluation_meeting-attendees": [p.pk for p in attendees],
            **{f"evaluation_meeting-{k}": ("1" if v is True else "0" if v is False else v) for k, v in PROPOSED.items()}}
    data.update(overrides)
    return data


def test_meeting_open_in_the_browser(report, leaders, secretariat):
    head, deputy, _ = leaders
    consult(report, head)
    assert _post(deputy, "meeting_open", report, _meeting_data([head, deputy])).status_code == 403
    response = _post(secretariat, "meeting_open", report, _meeting_data([deputy]))
    assert response.status_code == 200  # the head must attend: shown next to the attendees
    assert "Người đứng đầu phải có mặt" in response.context["offer"].form.errors["attendees"][0]
    _back(_post(secretariat, "meeting_open", report, _meeting_data([head, deputy])), report)
    assert fresh(report).status == Status.EVALUATION_MEETING


def test_vote_close_and_adjourn_in_the_browser(report, leaders, secretariat, proposer):
    head, deputy, deputy2 = leaders
    meeting = open_meeting(report, head, [head, deputy])
    assert _post(proposer, "vote_cast", report, {"evaluation_vote-choice": FOR}, meeting.pk).status_code == 403
    response = _post(deputy, "vote_cast", report, {"evaluation_vote-choice": "against"}, meeting.pk)
    assert "Cần nêu lý do khi không tán thành." in response.context["offer"].form.errors["reason"]
    _back(_post(deputy, "vote_cast", report, {"evaluation_vote-choice": FOR}, meeting.pk), report)
    assert EvaluationVote.objects.get().voter == deputy
    assert _post(deputy, "meeting_adjourn", report, {"evaluation_adjourn-reason": "Vắng."}, meeting.pk).status_code == 403
    assert _post(deputy, "meeting_close", report, {}, meeting.pk).status_code == 403
    _back(_post(secretariat, "meeting_close", report, {}, meeting.pk), report)
    assert fresh(report).status == Status.EVALUATION_HELD


def test_adjourn_in_the_browser(report, leaders, secretariat):
    head, deputy, _ = leaders
    meeting = open_meeting(report, head, [head, deputy])
    _back(_post(secretariat, "meeting_adjourn", report, {"evaluation_adjourn-reason": "Thiếu tài liệu."}, meeting.pk), report)
    assert fresh(report).status == Status.REPORTED


def _conclusion_data(**overrides):
    data = {"conclusion-outcome": "completed", "conclusion-results_assessment": "Đạt mục tiêu.", "conclusion-damage": "0",
            "conclusion-right_policy": "1", "conclusion-right_policy_reasons": "Đúng Nghị quyết.",
            "conclusion-pure_motive": "1", "conclusion-pure_motive_reasons": "Không vụ lợi.",
            "conclusion-common_good": "1", "conclusion-common_good_reasons": "Người dân hưởng lợi.",
            "conclusion-objective_causes": "Hạ tầng sẵn sàng.", "conclusion-subjective_causes": "Chủ động phối hợp."}
    data.update(overrides)
    return data


def test_conclusion_in_the_browser(report, leaders, secretariat):
    head, deputy, _ = leaders
    held(report, head, {head: FOR, deputy: FOR})
    assert _post(secretariat, "conclude", report, _conclusion_data()).status_code == 403
    response = _post(head, "conclude", report, _conclusion_data(**{"conclusion-subjective_causes": " ",
                                                                    "conclusion-damage": "1"}))
    errors = response.context["offer"].form.errors
    assert response.status_code == 200 and not Conclusion.objects.exists()
    assert errors["damage_vnd"] == ["Cần ghi giá trị thiệt hại ước tính (đồng) khi có thiệt hại."]
    response = _post(head, "conclude", report, _conclusion_data(**{"conclusion-subjective_causes": " "}))
    assert "Trường này là bắt buộc." in response.context["offer"].form.errors["subjective_causes"][0]
    _back(_post(head, "conclude", report, _conclusion_data()), report)
    assert Conclusion.objects.get().number == "1/KL-SNV"


def test_protection_and_its_final_decision_in_the_browser(report, leaders, proposer, secretariat):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    data = {"protection-party": f"user:{proposer.pk}", "protection-measure": Measure.NO_LIABILITY,
            "protection-addressee": "Hội đồng kỷ luật tỉnh"}
    assert _post(secretariat, "protection_record", report, data).status_code == 403
    response = _post(head, "protection_record", report, {**data, "protection-measure": Measure.EXCLUSION})
    assert response.status_code == 200 and "protection-measure" in response.content.decode()
    assert response.context["offer"].form.errors["measure"]  # not a measure the conclusion allows: not even offered
    _back(_post(head, "protection_record", report, data), report)
    record = ProtectionRecord.objects.get()
    final = {"protection_final-record": record.pk, "protection_final-body": "Hội đồng kỷ luật tỉnh",
             "protection_final-number": "15/QĐ-HĐKL", "protection_final-decided_on": DATE}
    assert _post(deputy, "protection_final", report, final).status_code == 403
    _back(_post(secretariat, "protection_final", report, final), report)
    assert ProtectionRecord.objects.get().final_number == "15/QĐ-HĐKL"


def test_encouragement_declines_and_close_in_the_browser(report, leaders, proposer, secretariat):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    data = {"encouragement-party": f"user:{proposer.pk}", "encouragement-form": EncouragementForm.EARLY_SALARY_STEP}
    assert _post(secretariat, "encouragement_record", report, data).status_code == 403
    response = _post(head, "encouragement_record", report, data)
    assert response.context["offer"].form.errors["addressee"] == ["Cần ghi cơ quan, người có thẩm quyền nhận văn bản đề nghị."]
    _back(_post(head, "encouragement_record", report, {**data, "encouragement-addressee": "UBND tỉnh Quảng Ninh"}), report)
    assert EncouragementRecord.objects.get().by_proposal
    assert _post(head, "close_case", report, {}).status_code == 200  # protection not settled: the reason, no change
    assert fresh(report).status == Status.EVALUATED
    assert _post(secretariat, "protection_decline", report, {"protection_decline-reason": "Không cần."}).status_code == 403
    _back(_post(head, "protection_decline", report, {"protection_decline-reason": "Không phát sinh trách nhiệm."}), report)
    assert _post(deputy, "close_case", report, {}).status_code == 403
    _back(_post(head, "close_case", report, {}), report)
    assert fresh(report).status == Status.CLOSED


def test_encouragement_decline_in_the_browser(report, leaders, secretariat):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    assert _post(secretariat, "encouragement_decline", report, {"encouragement_decline-reason": "x"}).status_code == 403
    _back(_post(head, "encouragement_decline", report, {"encouragement_decline-reason": "Đã khen theo đợt."}), report)
    assert Conclusion.objects.get().encouragement_declined_at is not None
