"""The two tables the law gives, as pure functions: protection by outcome (PRO-1, Art. 11, Art. 5(2)) and the
forms of encouragement (ENC-2, Art. 10). The services refuse what these refuse (test_protection.py,
test_encouragement.py); here every row of each table."""

import itertools

import pytest

from evaluation import rules
from evaluation.models import EncouragementForm as F
from evaluation.models import Measure, Outcome, ProtectionBasis

FINDINGS = list(itertools.product([True, False], repeat=3))


def expected_basis(outcome, damage, findings):
    # PRO-1, read row by row: any finding "no" → no Art. 11 protection (Art. 5(2)(b), Art. 6(1)); completed →
    # 11(1) + 5(2)(a); not or partly completed → 11(2) without damage, 11(3) with damage.
    if not all(findings):
        return ProtectionBasis.NONE
    if outcome == Outcome.COMPLETED:
        return ProtectionBasis.ART_11_1
    return ProtectionBasis.ART_11_3 if damage else ProtectionBasis.ART_11_2


@pytest.mark.parametrize("outcome", Outcome.values)
@pytest.mark.parametrize("damage", [False, True])
@pytest.mark.parametrize("findings", FINDINGS)
def test_pro1_the_protection_row_of_every_outcome_damage_and_findings(outcome, damage, findings):
    assert rules.protection_basis(outcome=outcome, damage=damage, findings=findings) == expected_basis(outcome, damage, findings)


def test_pro1_each_row_allows_only_its_own_measures():
    assert rules.allowed_measures(ProtectionBasis.ART_11_1) == (Measure.NO_LIABILITY,)  # Art. 11(1)
    assert rules.allowed_measures(ProtectionBasis.ART_11_2) == (Measure.EXCLUSION,)  # Art. 11(2)
    # Art. 11(3) is a consideration: the head picks which of the three to propose.
    assert rules.allowed_measures(ProtectionBasis.ART_11_3) == (
        Measure.CONSIDER_EXCLUSION, Measure.CONSIDER_EXEMPTION, Measure.CONSIDER_MITIGATION)
    assert rules.allowed_measures(ProtectionBasis.NONE) == ()
    assert str(rules.BASIS_TEXT[ProtectionBasis.NONE]) == (
        "Không đủ điều kiện áp dụng Điều 11; xem xét dấu hiệu lạm dụng theo Điều 6 khoản 1.")


def test_pro4_each_row_cites_its_article():
    assert rules.LEGAL_BASIS[ProtectionBasis.ART_11_1].startswith("Khoản 1 Điều 11 và điểm a khoản 2 Điều 5")
    assert rules.LEGAL_BASIS[ProtectionBasis.ART_11_2].startswith("Khoản 2 Điều 11")
    assert rules.LEGAL_BASIS[ProtectionBasis.ART_11_3].startswith("Khoản 3 Điều 11")


@pytest.mark.parametrize("findings", FINDINGS)
@pytest.mark.parametrize("outcome", Outcome.values)
def test_enc2_the_forms_of_every_outcome_and_findings(outcome, findings):
    allowed = set(rules.allowed_forms(outcome=outcome, findings=findings))
    if not all(findings):
        assert allowed == set()  # T12: no encouragement for a proposal found wanting in good faith
    elif outcome == Outcome.COMPLETED:
        assert allowed == set(F)  # Art. 10: everything, rewards and the early salary step included
    else:
        # Rewards and the early salary step are tied to "hoàn thành" (Art. 10(1)(a), (c)).
        assert allowed == {F.COMMENDATION, F.APPRAISAL_BASIS, F.RANK_PROMOTION, F.OTHER}


def test_enc2_an_organisation_is_commended_or_rewarded_never_appraised_or_promoted():
    allowed = rules.allowed_forms(outcome=Outcome.COMPLETED, findings=(True, True, True), party_type="organisation")
    assert set(allowed) == {F.COMMENDATION, F.REWARD_UNIT, F.REWARD_HIGHER, F.OTHER}


def test_enc3_forms_beyond_the_heads_competence_are_proposed_not_decided():
    assert {f for f in F if rules.by_proposal(f)} == {F.REWARD_HIGHER, F.RANK_PROMOTION, F.EARLY_SALARY_STEP}
    assert rules.by_proposal(F.OTHER, other_by_proposal=True)
    assert not rules.by_proposal(F.COMMENDATION) and not rules.by_proposal(F.APPRAISAL_BASIS)
