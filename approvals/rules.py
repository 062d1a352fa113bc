"""Who may take each of the deciding unit's actions: the predicates its services check and its panel offers by.

Each takes a `core.actions.Situation` and returns the acting position, or raises PermissionDenied before any
input is looked at, so that someone without the position learns nothing from validation messages (spec
README §1: the position held on the day of the action decides).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Position
from accounts.permissions import position_in
from core.actions import RuleRefusal, Situation
from proposals.models import LegalProfile
from proposals.transitions import Action, statuses_allowing

from .models import Meeting

HEAD = (Position.Role.HEAD,)
HEAD_OR_SECRETARIAT = (Position.Role.HEAD, Position.Role.SECRETARIAT)

# --- The party committee's opinion (Art. 4(3) [C], review D-13) -------------------------------------------------
# The decree asks the opinion before *approving*: under the profile's default ("decision") the collective may meet
# and vote first, and the approval or override decision waits for the opinion. A unit may ask it before the
# meeting ("meeting", its own rule). The services refuse with these messages; the panel shows them as reasons.
CONSULTATION_BEFORE_MEETING = gettext_noop(
    "Theo quy định của cơ quan, cần ghi nhận ý kiến cấp ủy trước khi tập thể lãnh đạo họp, biểu quyết."
)
CONSULTATION_BEFORE_DECISION = gettext_noop(
    "Cần ghi nhận ý kiến cấp ủy trước khi ban hành quyết định cho triển khai thực hiện (khoản 3 Điều 4 Nghị định "
    "số 73/2023/NĐ-CP)."
)
_CONSULTED_BEFORE = {
    LegalProfile.ConsultationTiming.MEETING: frozenset({Action.OPEN_MEETING}),
    LegalProfile.ConsultationTiming.DECISION: frozenset({Action.OPEN_MEETING, Action.APPROVE, Action.OVERRIDE}),
}


def consultation_statuses(profile: LegalProfile) -> frozenset[str]:
    """The statuses in which the opinion on the version under review may be recorded: until the act it precedes."""
    return statuses_allowing(_CONSULTED_BEFORE[profile.consultation_before])


def consultation_first(profile: LegalProfile, action: str) -> bool:
    """Whether `profile` requires the party committee's opinion before `action` (open the meeting, approve, override)."""
    if not profile.consultation_required:
        return False
    if action == Action.OPEN_MEETING:
        return profile.consultation_before == LegalProfile.ConsultationTiming.MEETING
    return action in (Action.APPROVE, Action.OVERRIDE)


def _unit(situation: Situation):
    """The unit acting: the meeting's for an act on a meeting, else the proposal's deciding unit."""
    if isinstance(situation.target, Meeting):
        return situation.target.unit
    return situation.proposal.decision_unit


def organiser(situation: Situation) -> Position:
    """The head or the secretariat of the unit today: they record the consultation and run the meeting."""
    return position_in(situation, unit=_unit(situation), roles=HEAD_OR_SECRETARIAT)


def head(situation: Situation) -> Position:
    """The head of the deciding unit today: only the head signs decisions (decree73.md T4, T5, T7)."""
    return position_in(situation, unit=_unit(situation), roles=HEAD)


def overrider(situation: Situation) -> Position:
    """T5: the head, and only when the proposal's legal profile allows deciding against the collective."""
    position = head(situation)  # first: a draft has no profile yet
    if not situation.proposal.profile.override_allowed:
        raise RuleRefusal(_("Bộ quy định áp dụng không cho phép người đứng đầu quyết định khi tập thể không thông qua."))
    return position


def voter(situation: Situation) -> None:
    """An eligible member recorded as present at the meeting; the proposer never votes (Art. 8(1)).

    Reads the meeting's members through `.all()`: from memory on a panel that prefetched them, one query each in
    the service, which reads them fresh after locking the meeting.
    """
    meeting, user = situation.target, situation.user
    if user.pk == situation.proposal.proposer_id or all(p.pk != user.pk for p in meeting.eligible_voters.all()):
        raise PermissionDenied(_("Bạn không thuộc thành phần có quyền biểu quyết đề xuất này."))
    if all(p.pk != user.pk for p in meeting.attendees.all()):
        raise PermissionDenied(_("Bạn không có tên trong danh sách thành viên có mặt tại cuộc họp."))
