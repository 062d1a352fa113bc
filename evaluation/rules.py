"""Who may act in the evaluation stage, and the two tables the law gives: protection (Art. 11) and
encouragement (Art. 10) by outcome.

The `who` predicates take a `core.actions.Situation` and return the acting position or raise PermissionDenied
before any input is read (as `approvals.rules`); the services call them on the rows they have locked.
The tables are plain functions, so that the services refuse what they do not allow and the forms offer only
what they allow (PRO-1: "the system offers ONLY the measure the table allows").
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Position
from accounts.permissions import position_in
from core.actions import Situation

from .models import EncouragementForm, EvaluationMeeting, Measure, Outcome, ProtectionBasis

HEAD = (Position.Role.HEAD,)
HEAD_OR_SECRETARIAT = (Position.Role.HEAD, Position.Role.SECRETARIAT)


def _unit(situation: Situation):
    """The unit acting: the meeting's for an act on a meeting, else the evaluating unit (EVL-6: the unit that
    approved, the superior unit for a route B proposal)."""
    if isinstance(situation.target, EvaluationMeeting):
        return situation.target.unit
    return situation.proposal.decision_unit


def organiser(situation: Situation) -> Position:
    """The head or the secretariat of the evaluating unit today: they record the party committee's opinion,
    run the meeting and record the competent body's later decisions."""
    return position_in(situation, unit=_unit(situation), roles=HEAD_OR_SECRETARIAT)


def head(situation: Situation) -> Position:
    """The head of the evaluating unit today: signs the conclusion (EVL-3), the protection letters and the
    encouragement documents, and closes the case."""
    return position_in(situation, unit=_unit(situation), roles=HEAD)


def voter(situation: Situation) -> None:
    """An eligible member marked present at the evaluation meeting; the plan's authors never vote (Art. 18)."""
    meeting, user = situation.target, situation.user
    if user.pk == situation.proposal.proposer_id or all(p.pk != user.pk for p in meeting.eligible_voters.all()):
        raise PermissionDenied(_("Bạn không thuộc thành phần có quyền biểu quyết tại cuộc họp đánh giá này."))
    if all(p.pk != user.pk for p in meeting.attendees.all()):
        raise PermissionDenied(_("Bạn không có tên trong danh sách thành viên có mặt tại cuộc họp."))


# --- PRO-1: the protection a conclusion allows (Art. 11, Art. 5(2)) -------------------------------------------------

NOT_ELIGIBLE = gettext_lazy("Không đủ điều kiện áp dụng Điều 11; xem xét dấu hiệu lạm dụng theo Điều 6 khoản 1.")

ALLOWED_MEASURES: dict[str, tuple[str, ...]] = {
    ProtectionBasis.ART_11_1: (Measure.NO_LIABILITY,),
    ProtectionBasis.ART_11_2: (Measure.EXCLUSION,),
    ProtectionBasis.ART_11_3: (Measure.CONSIDER_EXCLUSION, Measure.CONSIDER_EXEMPTION, Measure.CONSIDER_MITIGATION),
    ProtectionBasis.NONE: (),
}

# The legal basis printed on a protection letter: documents cite the article (Vietnamese whatever the reader's
# language: a legal citation, not interface text).
LEGAL_BASIS = {
    ProtectionBasis.ART_11_1: "Khoản 1 Điều 11 và điểm a khoản 2 Điều 5 Nghị định số 73/2023/NĐ-CP",
    ProtectionBasis.ART_11_2: "Khoản 2 Điều 11 và điểm b khoản 2 Điều 5 Nghị định số 73/2023/NĐ-CP",
    ProtectionBasis.ART_11_3: "Khoản 3 Điều 11 và điểm b khoản 2 Điều 5 Nghị định số 73/2023/NĐ-CP",
}

# What the table says of each row, for the panel and the conclusion.
BASIS_TEXT = {
    ProtectionBasis.ART_11_1: gettext_lazy(
        "Đề xuất được đánh giá hoàn thành: cán bộ không bị xử lý trách nhiệm theo pháp luật có liên quan "
        "(khoản 1 Điều 11, điểm a khoản 2 Điều 5)."
    ),
    ProtectionBasis.ART_11_2: gettext_lazy(
        "Không hoàn thành hoặc hoàn thành một phần, đúng chủ trương, động cơ trong sáng, vì lợi ích chung, không có "
        "thiệt hại: được loại trừ trách nhiệm (khoản 2 Điều 11)."
    ),
    ProtectionBasis.ART_11_3: gettext_lazy(
        "Không hoàn thành hoặc hoàn thành một phần, đúng chủ trương, động cơ trong sáng, vì lợi ích chung, có thiệt "
        "hại: được xem xét loại trừ, miễn hoặc giảm nhẹ trách nhiệm (khoản 3 Điều 11)."
    ),
    ProtectionBasis.NONE: NOT_ELIGIBLE,
}


def protection_basis(*, outcome: str, damage: bool, findings) -> str:
    """The row of the PRO-1 table: any finding "no" → no Art. 11 protection, whatever the outcome; then
    completed → 11(1); not or partly completed without damage → 11(2); with damage → 11(3)."""
    if not all(findings):
        return ProtectionBasis.NONE
    if outcome == Outcome.COMPLETED:
        return ProtectionBasis.ART_11_1
    return ProtectionBasis.ART_11_3 if damage else ProtectionBasis.ART_11_2


def allowed_measures(basis: str) -> tuple[str, ...]:
    return ALLOWED_MEASURES[basis]


# --- ENC-2: the forms of encouragement a conclusion allows (Art. 10) -------------------------------------------------

# Tied to a completed proposal by Art. 10 [C]: rewards and the early salary step.
COMPLETED_ONLY = frozenset({EncouragementForm.REWARD_UNIT, EncouragementForm.REWARD_HIGHER, EncouragementForm.EARLY_SALARY_STEP})
# Forms about a person's career: an organisation is commended or rewarded, never appraised or promoted.
INDIVIDUALS_ONLY = frozenset({
    EncouragementForm.APPRAISAL_BASIS, EncouragementForm.RANK_PROMOTION, EncouragementForm.EARLY_SALARY_STEP,
})
# ENC-3: the head lacks the competence (state rewards beyond the unit, civil-service rank, salary): the unit
# proposes to the competent body instead of deciding. "Hình thức khác" is either, as the head says.
BY_PROPOSAL = frozenset({EncouragementForm.REWARD_HIGHER, EncouragementForm.RANK_PROMOTION, EncouragementForm.EARLY_SALARY_STEP})


def encouragement_eligible(findings) -> bool:
    """T12: a proposal found wanting in good faith (any finding "no") earns no encouragement at all."""
    return all(findings)


def allowed_forms(*, outcome: str, findings, party_type: str | None = None) -> tuple[str, ...]:
    """The Art. 10 forms a conclusion allows (for a party of `party_type`, when given), in the article's order."""
    if not encouragement_eligible(findings):
        return ()
    forms = [f for f in EncouragementForm if outcome == Outcome.COMPLETED or f not in COMPLETED_ONLY]
    if party_type == "organisation":
        forms = [f for f in forms if f not in INDIVIDUALS_ONLY]
    return tuple(forms)


def by_proposal(form: str, *, other_by_proposal: bool = False) -> bool:
    """Whether the form is proposed to a competent body (a "văn bản đề nghị") rather than decided by the head."""
    if form == EncouragementForm.OTHER:
        return other_by_proposal
    return form in BY_PROPOSAL
