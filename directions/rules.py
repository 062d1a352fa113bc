"""Who may direct the implementation of a proposal: the predicate the services check and the panel offers by.

IMP-5 [C]/[I]: the employing unit ("cơ quan sử dụng cán bộ") directs, by its head; for a head's own proposal
(route B) the superior unit that decided it. Both are `proposal.decision_unit`. Like approvals.rules, it
takes a `core.actions.Situation` and returns the acting position or raises PermissionDenied before any input
is looked at.
"""

from accounts.models import Position
from accounts.permissions import position_in
from core.actions import Situation

HEAD = (Position.Role.HEAD,)


def director(situation: Situation) -> Position:
    """The head of the deciding unit today: only the head signs a direction (decree73.md T9)."""
    return position_in(situation, unit=situation.proposal.decision_unit, roles=HEAD)
