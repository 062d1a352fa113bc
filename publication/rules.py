"""Who may publish a proposal's summary, and from which statuses (decree73.md Art. 4(4)).

The head of the deciding unit publishes: the unit that approved the proposal answers for what it makes public
(for a head's own proposal, route B, the superior unit). Only a proposal with a decision to implement may be
published: APPROVED and every status after it.
"""

from accounts.models import Position
from accounts.permissions import position_in
from core.actions import Situation
from proposals.transitions import POST_DECISION, Status

# Art. 4(4): publicity of approved and completed proposals; a draft, a plan under review or a rejected one is not.
PUBLISHABLE = frozenset({Status.APPROVED}) | POST_DECISION
# The evaluation outcome may be published once the conclusion is issued (EVL-3, EVL-5).
EVALUATED = frozenset({Status.EVALUATED, Status.CLOSED})

HEAD = (Position.Role.HEAD,)


def publisher(situation: Situation) -> Position:
    """The head of the deciding unit today, or PermissionDenied."""
    return position_in(situation, unit=situation.proposal.decision_unit, roles=HEAD)


def publishable(status: str) -> bool:
    return status in PUBLISHABLE


def evaluated(status: str) -> bool:
    return status in EVALUATED
