"""Who may take each of the deciding unit's actions: the predicates its services check and its panel offers by.

Each takes a `core.actions.Situation` and returns the acting position, or raises PermissionDenied before any
input is looked at, so that someone without the position learns nothing from validation messages (spec
README §1: the position held on the day of the action decides).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Position
from accounts.permissions import position_in
from core.actions import RuleRefusal, Situation

from .models import Meeting

HEAD = (Position.Role.HEAD,)
HEAD_OR_SECRETARIAT = (Position.Role.HEAD, Position.Role.SECRETARIAT)


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
