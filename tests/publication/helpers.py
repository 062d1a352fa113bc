"""Plain helpers of the public register's tests: its URLs, publishing through the service, moving an approved
proposal on through the later statuses of the transition table.

The implementation and evaluation stages are built separately: until their services exist here, a proposal
reaches a later status through `proposals.services.proposal_transition`, the one helper every stage service
moves a proposal with (the transition table and, on PostgreSQL, its trigger accept each step).
"""

import datetime

from django.db import transaction
from django.urls import reverse

from accounts.models import Position
from approvals.models import Vote
from approvals.services import decision_approve
from proposals.models import Proposal
from proposals.services import proposal_transition
from proposals.transitions import Action, Status
from publication import services
from tests.lifecycle import APPROVAL_TEXT, HANOI, fresh, meeting_with_votes, submitted_proposal

NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=HANOI)
SUMMARY = "Một cổng tiếp nhận điện tử liên thông hồ sơ đăng ký đất đai với cơ quan thuế; rút thời gian từ 30 xuống 10 ngày."

# The actions that bring an approved proposal to each later status (proposals/transitions.py).
PATHS = {
    Status.APPROVED: (),
    Status.IN_IMPLEMENTATION: (Action.START,),
    Status.SUSPENDED: (Action.START, Action.SUSPEND),
    Status.STOPPED: (Action.START, Action.STOP),
    Status.COMPLETED: (Action.START, Action.COMPLETE),
    Status.REPORTED: (Action.START, Action.COMPLETE, Action.REPORT),
    Status.EVALUATION_MEETING: (Action.START, Action.COMPLETE, Action.REPORT, Action.OPEN_EVALUATION),
    Status.EVALUATION_HELD: (Action.START, Action.COMPLETE, Action.REPORT, Action.OPEN_EVALUATION, Action.CLOSE_EVALUATION),
    Status.EVALUATED: (Action.START, Action.COMPLETE, Action.REPORT, Action.CONCLUDE),
    Status.CLOSED: (Action.START, Action.COMPLETE, Action.REPORT, Action.CONCLUDE, Action.CLOSE_CASE),
}


def advance(proposal: Proposal, status: str, *, by) -> Proposal:
    """Move an approved proposal on to `status` by the transition table, as the later stages' services would."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        for action in PATHS[status]:
            proposal_transition(proposal=locked, action=action, by=by, role=Position.Role.HEAD, unit=locked.decision_unit)
    proposal = fresh(proposal)
    assert proposal.status == status
    return proposal


def approve(*, proposer, head, deputy=None, **plan) -> Proposal:
    """A route-A (or, for a head's own plan, route-B) proposal approved through the services by `head` of its
    deciding unit, with `deputy` voting too when given."""
    proposal = submitted_proposal(proposer=proposer, **plan)
    votes = {head: Vote.Choice.FOR, **({deputy: Vote.Choice.FOR} if deputy else {})}
    meeting_with_votes(proposal=proposal, by=head, votes=votes, close=True)
    decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)
    return fresh(proposal)


def publish(proposal: Proposal, by, **fields):
    data = {"title": proposal.title, "summary": SUMMARY, "confirmed": True, **fields}
    return services.publication_publish(proposal=proposal, by=by, **data)


def url(name: str, *args) -> str:
    return reverse(f"publication:{name}", args=args)


def detail(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])
