"""ENC-1..3 (Art. 10): the forms a conclusion allows, per beneficiary; the unit's own decision or, beyond the
head's competence, a "văn bản đề nghị" to the competent body; and closing the case once both follow-ups are
recorded or explicitly not proposed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation import services
from evaluation.models import EncouragementForm as F
from evaluation.models import EncouragementRecord, Measure, Outcome
from proposals.transitions import Status
from tests.evaluation.helpers import NOW, evaluated
from tests.lifecycle import audit_events, fresh, pdf_text

pytestmark = pytest.mark.frozen_at(NOW)  # `real_pdf` on the tests that read an issued document (tests/conftest.py)


def encourage(proposal, by, party, form, **fields):
    return services.encouragement_record(proposal=proposal, by=by, party=party, form=form, **fields)


@pytest.mark.real_pdf
def test_enc2_a_commendation_is_the_units_own_decision(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    record = encourage(report, head, f"user:{proposer.pk}", F.COMMENDATION, note="Hoàn thành vượt chỉ tiêu.")
    assert (record.by_proposal, record.number, record.addressee) == (False, "2/QĐ-SNV", "")
    text = pdf_text(services.encouragement_download(record=record, by=head).content)
    assert "QUYẾT ĐỊNH" in text and "Biểu dương trước tập thể cơ quan, đơn vị" in text and "Điều 10" in text
    assert audit_events("encouragement_record")[0].payload["form"] == F.COMMENDATION


@pytest.mark.real_pdf
@pytest.mark.parametrize("form", [F.REWARD_HIGHER, F.RANK_PROMOTION, F.EARLY_SALARY_STEP])
def test_enc3_beyond_the_heads_competence_the_unit_proposes_to_the_competent_body(report, leaders, proposer, form):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    with pytest.raises(ValidationError) as no_body:
        encourage(report, head, f"user:{proposer.pk}", form)
    assert "addressee" in no_body.value.message_dict
    record = encourage(report, head, f"user:{proposer.pk}", form, addressee="Ủy ban nhân dân tỉnh Quảng Ninh")
    assert record.by_proposal and record.number == "1/SNV-VP"
    text = pdf_text(services.encouragement_download(record=record, by=head).content)
    assert "Kính gửi: Ủy ban nhân dân tỉnh Quảng Ninh" in text and "đề nghị" in text and "QUYẾT ĐỊNH" not in text


@pytest.mark.parametrize("form", [F.REWARD_UNIT, F.REWARD_HIGHER, F.EARLY_SALARY_STEP])
def test_enc2_rewards_and_the_early_salary_step_need_a_completed_proposal(report, leaders, proposer, form):
    head, deputy, _ = leaders
    evaluated(report, head, deputy, outcome=Outcome.PARTIAL)
    with pytest.raises(ValidationError) as refused:
        encourage(report, head, f"user:{proposer.pk}", form, addressee="UBND tỉnh")
    assert "chỉ áp dụng khi đề xuất được đánh giá hoàn thành" in refused.value.message_dict["form"][0]


def test_enc2_a_partly_completed_proposal_may_still_be_commended(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy, outcome=Outcome.PARTIAL)
    assert encourage(report, head, f"user:{proposer.pk}", F.COMMENDATION).form == F.COMMENDATION


def test_t12_a_finding_no_earns_no_encouragement(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy, common_good=False)
    with pytest.raises(ValidationError) as refused:
        encourage(report, head, f"user:{proposer.pk}", F.COMMENDATION)
    assert refused.value.code == "not_eligible"


def test_enc1_the_approving_unit_is_commended_but_never_promoted(report, leaders):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    unit = f"unit:{report.decision_unit_id}"
    with pytest.raises(ValidationError) as refused:
        encourage(report, head, unit, F.APPRAISAL_BASIS)
    assert refused.value.message_dict["form"] == ["Hình thức này chỉ áp dụng đối với cá nhân."]
    assert encourage(report, head, unit, F.REWARD_UNIT).party_kind == "approving_unit"


def test_enc1_the_approving_head_is_a_beneficiary_too(report, leaders):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    record = encourage(report, head, f"user:{head.pk}", F.APPRAISAL_BASIS)
    assert (record.party_kind, record.party_title) == ("approving_head", "Giám đốc")


def test_enc2_other_forms_need_their_detail_and_may_go_either_way(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    with pytest.raises(ValidationError) as no_detail:
        encourage(report, head, f"user:{proposer.pk}", F.OTHER)
    assert "detail" in no_detail.value.message_dict
    decided = encourage(report, head, f"user:{proposer.pk}", F.OTHER, detail="Cử đi học tập kinh nghiệm.")
    proposed = encourage(report, head, f"user:{head.pk}", F.OTHER, detail="Ưu tiên đào tạo.", other_by_proposal=True,
                         addressee="Ban Tổ chức Tỉnh ủy")
    assert (decided.by_proposal, proposed.by_proposal) == (False, True)


def test_enc_one_record_per_party_and_form(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    encourage(report, head, f"user:{proposer.pk}", F.COMMENDATION)
    with pytest.raises(ValidationError) as twice:
        encourage(report, head, f"user:{proposer.pk}", F.COMMENDATION)
    assert twice.value.code == "duplicate" and EncouragementRecord.objects.count() == 1
    encourage(report, head, f"user:{proposer.pk}", F.APPRAISAL_BASIS)  # another form for the same party is fine


def test_enc_only_the_head_decides(report, leaders, proposer, secretariat):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    with pytest.raises(PermissionDenied):
        encourage(report, secretariat, f"user:{proposer.pk}", F.COMMENDATION)


# --- Closing the case --------------------------------------------------------------------------------------------


def test_the_case_closes_only_once_protection_and_encouragement_are_settled(report, leaders, proposer):
    head, deputy, _ = leaders
    evaluated(report, head, deputy)
    with pytest.raises(ValidationError) as unsettled:
        services.case_close(proposal=report, by=head)
    assert "biện pháp bảo vệ, khuyến khích" in unsettled.value.messages[0]
    services.protection_record(proposal=report, by=head, party=f"user:{proposer.pk}", measure=Measure.NO_LIABILITY,
                               addressee="Sở Nội vụ")
    with pytest.raises(ValidationError) as half:
        services.case_close(proposal=report, by=head)
    assert "khuyến khích" in half.value.messages[0] and "bảo vệ" not in half.value.messages[0]
    services.encouragement_decline(proposal=report, by=head, reason="Đã khen thưởng theo đợt tổng kết chung.")
    with pytest.raises(PermissionDenied):
        services.case_close(proposal=report, by=deputy)
    services.case_close(proposal=report, by=head)
    assert fresh(report).status == Status.CLOSED
    with pytest.raises(ValidationError):
        encourage(report, head, f"user:{proposer.pk}", F.COMMENDATION)  # nothing more once closed


def test_a_conclusion_without_protection_or_encouragement_closes_at_once(report, leaders):
    head, deputy, _ = leaders
    evaluated(report, head, deputy, right_policy=False)  # T12: neither Art. 11 nor Art. 10 applies
    services.case_close(proposal=report, by=head)
    assert fresh(report).status == Status.CLOSED
