"""EVL-3/4/5/6: the head's written conclusion (Art. 11(4), Art. 5(2)); its document; who hears of it (IMP-7)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import Notification
from evaluation import services
from evaluation.models import Conclusion, Outcome
from proposals.models import LegalProfile, Step
from proposals.transitions import Status
from tests.evaluation.helpers import (
    AGAINST,
    FOR,
    NOW,
    conclude,
    conclusion_fields,
    consult,
    held,
    reported,
    reported_after_override,
    reported_route_b,
)
from tests.lifecycle import audit_events, fresh, new_profile_version, pdf_text


@pytest.fixture
def meeting_held(report, leaders):
    head, deputy, _ = leaders
    held(report, head, {head: FOR, deputy: FOR})
    return fresh(report)


pytestmark = pytest.mark.frozen_at(NOW)  # `real_pdf` on the tests that read an issued document (tests/conftest.py)


@pytest.mark.real_pdf
def test_evl3_the_head_concludes_after_the_meeting_and_the_document_is_stored_once(meeting_held, head):
    conclusion = conclude(meeting_held, head)
    assert (conclusion.number, conclusion.path, conclusion.version) == ("1/KL-SNV", "meeting", 1)
    assert fresh(meeting_held).status == Status.EVALUATED
    stored = services.conclusion_download(conclusion=conclusion, by=head)
    assert not stored.regenerated
    text = pdf_text(stored.content)
    assert "KẾT LUẬN" in text and "Đánh giá kết quả thực hiện đề xuất đổi mới, sáng tạo" in text
    assert "Căn cứ Biên bản họp đánh giá kết quả thực hiện đề xuất số 2/BB-SNV" in text
    assert "Nguyên nhân khách quan" in text and "Nguyên nhân chủ quan" in text and "khoản 4 Điều 11" in text
    assert "không bị xử lý trách nhiệm theo pháp luật có liên quan" in text
    [event] = audit_events("conclude")
    assert event.payload["pdf_sha256"] == conclusion.pdf_sha256 and event.payload["protection_basis"] == "11_1"
    with pytest.raises(RuntimeError):  # stored once: never replaced
        from core.documents import store_issued
        from evaluation.documents import CONCLUSION

        store_issued(CONCLUSION, conclusion)


@pytest.mark.parametrize("who", ["deputy", "secretariat", "proposer", "outsider"])
def test_evl3_only_the_head_concludes(meeting_held, who, request):
    with pytest.raises(PermissionDenied):
        conclude(meeting_held, request.getfixturevalue(who))


@pytest.mark.parametrize("field", [
    "results_assessment", "right_policy_reasons", "pure_motive_reasons", "common_good_reasons",
    "objective_causes", "subjective_causes",
])
def test_evl4_evl5_causes_and_the_reasons_of_each_finding_are_required(meeting_held, head, field):
    with pytest.raises(ValidationError) as refused:
        conclude(meeting_held, head, **{field: "  "})
    assert list(refused.value.message_dict) == [field]
    assert not Conclusion.objects.exists()


@pytest.mark.real_pdf
def test_evl5_damage_needs_its_estimated_value_in_vnd(proposer, leaders):
    head, deputy, _ = leaders
    proposal = reported(proposer=proposer, head=head, deputy=deputy)
    held(proposal, head, {head: FOR, deputy: FOR}, proposed_outcome=Outcome.PARTIAL, proposed_damage=True)
    with pytest.raises(ValidationError) as missing:
        conclude(fresh(proposal), head, outcome=Outcome.PARTIAL, damage=True, damage_vnd=None)
    assert "damage_vnd" in missing.value.message_dict
    with pytest.raises(ValidationError) as negative:
        conclude(fresh(proposal), head, outcome=Outcome.PARTIAL, damage=True, damage_vnd=-1)
    assert "damage_vnd" in negative.value.message_dict
    conclusion = conclude(fresh(proposal), head, outcome=Outcome.PARTIAL, damage=True, damage_vnd=1_500_000_000)
    assert conclusion.protection_basis == "11_3" and conclusion.damage_vnd_display == "1.500.000.000 đồng"
    assert "1.500.000.000 đồng" in pdf_text(services.conclusion_download(conclusion=conclusion, by=head).content)


def test_evl5_without_damage_no_value_is_kept(meeting_held, head):
    assert conclude(meeting_held, head, damage=False, damage_vnd=5).damage_vnd is None


def test_evl2_the_conclusion_follows_the_assessment_the_meeting_adopted(meeting_held, head):
    with pytest.raises(ValidationError) as refused:
        conclude(meeting_held, head, outcome=Outcome.PARTIAL)
    assert refused.value.code == "meeting_adopted"


def test_evl2_after_a_rejected_assessment_the_conclusion_states_another(report, leaders):
    head, deputy, deputy2 = leaders
    meeting = held(report, head, {head: AGAINST, deputy: AGAINST, deputy2: FOR})
    assert meeting.passed is False
    with pytest.raises(ValidationError) as refused:
        conclude(fresh(report), head)  # the very assessment the collective rejected
    assert refused.value.code == "meeting_rejected"
    conclusion = conclude(fresh(report), head, outcome=Outcome.PARTIAL)
    assert conclusion.protection_basis == "11_2"


def test_evl2_no_conclusion_on_the_meeting_path_without_a_meeting(report, head):
    consult(report, head)
    with pytest.raises(ValidationError) as refused:
        conclude(report, head)
    assert refused.value.code == "path"


def test_evl3_concluding_closes_the_evaluation_and_conclusion_steps(meeting_held, head):
    assert Step.objects.open().filter(proposal=meeting_held, kind="conclusion").exists()
    conclude(meeting_held, head)
    assert not Step.objects.open().filter(proposal=meeting_held).exists()


def test_evl3_one_conclusion_per_proposal(meeting_held, head):
    conclude(meeting_held, head)
    with pytest.raises(ValidationError):
        conclude(meeting_held, head)
    assert Conclusion.objects.count() == 1


# --- EVL-6: conclusion-only paths ----------------------------------------------------------------------------------


def test_evl6_route_b_concludes_without_a_meeting_when_the_profile_says_so(head, superior_head, province, department):
    new_profile_version(route_b_evaluation=LegalProfile.EvaluationPath.CONCLUSION)
    proposal = reported_route_b(head=head, superior_head=superior_head)
    with pytest.raises(ValidationError) as first:
        conclude(proposal, superior_head)
    assert first.value.code == "consultation"  # EVL-1 still comes first
    consult(proposal, superior_head, committee="Ban Thường vụ Tỉnh ủy")
    with pytest.raises(PermissionDenied):
        conclude(proposal, head)  # the proposer, head of the lower unit: the superior evaluates (EVL-6)
    conclusion = conclude(proposal, superior_head)
    assert (conclusion.path, conclusion.unit, conclusion.number, conclusion.meeting) == ("conclusion", province, "1/KL-UBND", None)


def test_evl6_route_b_meets_by_default(head, superior_head):
    proposal = reported_route_b(head=head, superior_head=superior_head)
    consult(proposal, superior_head)
    with pytest.raises(ValidationError) as refused:
        conclude(proposal, superior_head)
    assert refused.value.code == "path"


def test_evl6_a_stopped_proposal_follows_its_own_setting(proposer, leaders):
    head, deputy, _ = leaders
    new_profile_version(stopped_evaluation=LegalProfile.EvaluationPath.CONCLUSION)
    stopped = reported(proposer=proposer, head=head, deputy=deputy, stopped=True)
    completed = reported(proposer=proposer, head=head, deputy=deputy)
    for proposal in (stopped, completed):
        consult(proposal, head)
    assert conclude(stopped, head, outcome=Outcome.NOT_COMPLETED).path == "conclusion"
    with pytest.raises(ValidationError):
        conclude(completed, head)  # not stopped: the meeting of Art. 18


# --- Who hears of it ---------------------------------------------------------------------------------------------


def test_the_proposer_hears_of_the_conclusion(meeting_held, head, proposer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        conclude(meeting_held, head)
    assert "1/KL-SNV" in Notification.objects.get(recipient=proposer, message__contains="kết luận đánh giá").text()


def test_imp7_the_superior_hears_the_outcome_of_an_override_approved_proposal(
    proposer, leaders, superior_head, django_capture_on_commit_callbacks
):
    head, deputy, _ = leaders
    proposal = reported_after_override(proposer=proposer, head=head, deputy=deputy)
    held(proposal, head, {head: FOR, deputy: FOR})
    with django_capture_on_commit_callbacks(execute=True):
        conclude(fresh(proposal), head)
    [notice] = Notification.objects.filter(recipient=superior_head)
    assert "người đứng đầu quyết định cho triển khai" in notice.text() and "1/KL-SNV" in notice.text()


def test_imp7_not_for_a_collective_approval_nor_when_the_profile_turns_it_off(
    proposer, leaders, superior_head, django_capture_on_commit_callbacks
):
    head, deputy, _ = leaders
    new_profile_version(notify_superior_of_override=False)
    overridden = reported_after_override(proposer=proposer, head=head, deputy=deputy)
    held(overridden, head, {head: FOR, deputy: FOR})
    with django_capture_on_commit_callbacks(execute=True):
        conclude(fresh(overridden), head)
    assert not Notification.objects.filter(recipient=superior_head).exists()


def test_conclusion_fields_cover_every_input_of_the_service():
    assert set(conclusion_fields()) == {
        "outcome", "results_assessment", "damage", "damage_vnd", "right_policy", "right_policy_reasons", "pure_motive",
        "pure_motive_reasons", "common_good", "common_good_reasons", "objective_causes", "subjective_causes",
    }
