"""Revision and resubmission (decree73.md §3.2 T7): after a return or a rejection the proposer reopens the plan,
which is submitted again as the next version; the earlier one stays.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết, where a test asks for `friday` (tests/conftest.py).
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import Vote
from approvals.services import decision_reject, proposal_return
from proposals.models import PlanVersion, Proposal
from proposals.services import proposal_revise, proposal_submit, proposal_update_draft
from tests.lifecycle import INCOMPLETE, REASONS, complete_plan, fresh, meeting_with_votes, submitted_proposal


def test_revision_after_a_return_resubmits_as_version_2_and_keeps_version_1(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    proposal_return(proposal=proposal, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)

    proposal_revise(proposal=proposal, by=proposer)
    assert fresh(proposal).status == Proposal.Status.DRAFT
    proposal_update_draft(proposal=proposal, by=proposer, data={"resources": "Kinh phí 800 triệu đồng, 8 công chức."})
    proposal_submit(proposal=proposal, by=proposer)

    proposal = fresh(proposal)
    assert (proposal.status, proposal.current_version) == (Proposal.Status.SUBMITTED, 2)
    versions = list(proposal.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].resources == complete_plan()["resources"]
    assert versions[1].resources == "Kinh phí 800 triệu đồng, 8 công chức." == proposal.resources


def test_revision_after_a_rejection_reopens_the_plan_for_a_new_version(friday, proposer, head, deputy):
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.AGAINST, deputy: Vote.Choice.AGAINST}, close=True)
    decision_reject(proposal=proposal, by=head, reasons=REASONS)

    proposal_revise(proposal=proposal, by=proposer)
    proposal_submit(proposal=proposal, by=proposer)

    proposal = fresh(proposal)
    assert (proposal.status, proposal.current_version, proposal.versions.count()) == (Proposal.Status.SUBMITTED, 2, 2)


def test_only_the_proposer_revises_and_only_after_a_return_or_rejection(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    with pytest.raises(ValidationError):
        proposal_revise(proposal=proposal, by=proposer)  # still waiting for the decision
    proposal_return(proposal=proposal, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)
    with pytest.raises(PermissionDenied):
        proposal_revise(proposal=proposal, by=head)
    assert fresh(proposal).status == Proposal.Status.RETURNED


def test_submitting_twice_is_refused(friday, proposer, head):
    proposal = submitted_proposal(proposer=proposer)
    with pytest.raises(ValidationError):
        proposal_submit(proposal=proposal, by=proposer)
    assert PlanVersion.objects.filter(proposal=proposal).count() == 1
