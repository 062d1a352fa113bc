"""Who may take each implementation action: the predicates its services check and its panel offers by.

Each takes a `core.actions.Situation` and returns who acts (a `Position` of the deciding unit, or the implementer's
`Acting`), or raises PermissionDenied before any input is looked at (as approvals.rules does).

- The employing unit (the deciding unit: for a head's own proposal, route B, the superior unit) allocates
  resources and assigns implementers (Art. 10(2), Art. 6(4)); its head starts implementation.
- A cadre answers their own assignment; the secretariat records the answer of an individual or organisation
  outside the system, and files the report on their behalf.
- Implementers who accepted record progress; the lead (chủ trì) declares completion (or the head) and files the
  completion report (Art. 18).
"""

import dataclasses

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Position
from accounts.permissions import position_in
from core.actions import Situation

from .models import Assignment

HEAD = (Position.Role.HEAD,)
SECRETARIAT = (Position.Role.SECRETARIAT,)
HEAD_OR_SECRETARIAT = (Position.Role.HEAD, Position.Role.SECRETARIAT)
# The role an implementer acts in, in the audit log: they act by their assignment, not by a position.
IMPLEMENTER_ROLE = "implementer"


@dataclasses.dataclass(frozen=True)
class Acting:
    """An implementer acting by their assignment: what the audit log records as role and unit."""

    assignment: Assignment
    unit: OrgUnit
    role: str = IMPLEMENTER_ROLE


def assignments(situation: Situation) -> list[Assignment]:
    """Every assignment of the proposal, people joined: once per situation (the panel loads them first)."""
    return situation.memo(
        "assignments",
        lambda: list(Assignment.objects.filter(proposal=situation.proposal).select_related("person")),
    )


def lead_of(rows: list[Assignment]) -> Assignment | None:
    """The lead (chủ trì) who has not refused, among `rows`."""
    return next((a for a in rows if a.is_lead and a.answer != Assignment.Answer.REFUSED), None)


def own_assignment(situation: Situation) -> Assignment | None:
    return next((a for a in assignments(situation) if a.person_id == situation.user.pk), None)


def organiser(situation: Situation) -> Position:
    """The head or the secretariat of the deciding unit today: they record resources and outside answers."""
    return position_in(situation, unit=situation.proposal.decision_unit, roles=HEAD_OR_SECRETARIAT)


def head(situation: Situation) -> Position:
    """The head of the deciding unit today: assigns implementers and starts implementation."""
    return position_in(situation, unit=situation.proposal.decision_unit, roles=HEAD)


def assignee(situation: Situation) -> Acting:
    """The cadre of the assignment acted on (`situation.target`), and nobody else: they answer for themselves."""
    assignment = situation.target
    if assignment is None or assignment.kind != Assignment.Kind.CADRE or assignment.person_id != situation.user.pk:
        raise PermissionDenied(_("Chỉ cán bộ được phân công tự xác nhận nhiệm vụ của mình."))
    return Acting(assignment=assignment, unit=situation.proposal.unit)


def implementer(situation: Situation) -> Acting:
    """A cadre assigned to the proposal who accepted the assignment: records progress (IMP-3)."""
    assignment = own_assignment(situation)
    if assignment is None or assignment.answer != Assignment.Answer.ACCEPTED:
        raise PermissionDenied(_("Chỉ người thực hiện đã nhận nhiệm vụ được cập nhật tiến độ."))
    return Acting(assignment=assignment, unit=situation.proposal.unit)


def _lead_cadre(situation: Situation) -> Acting | None:
    """The user acting as the lead cadre, who accepted the assignment; None otherwise."""
    lead = lead_of(assignments(situation))
    if lead is not None and lead.person_id == situation.user.pk and lead.answer == Assignment.Answer.ACCEPTED:
        return Acting(assignment=lead, unit=situation.proposal.unit)
    return None


def completer(situation: Situation) -> Acting | Position:
    """CMP-3: the lead implementer declares the completion date, or the head of the deciding unit records it."""
    return _lead_cadre(situation) or head(situation)


def reporter(situation: Situation) -> Acting | Position:
    """Art. 18: the implementing cadre files the report; for an individual or organisation without an account,
    the secretariat of the deciding unit files it on their behalf."""
    acting = _lead_cadre(situation)
    if acting is not None:
        return acting
    lead = lead_of(assignments(situation))
    if lead is not None and lead.is_outside:
        return position_in(situation, unit=situation.proposal.decision_unit, roles=SECRETARIAT)
    raise PermissionDenied(_("Chỉ người chủ trì thực hiện đề xuất (đã nhận nhiệm vụ) được nộp báo cáo kết quả."))
