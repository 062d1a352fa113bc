"""Fixtures of the implementation tests (plain helpers: tests/implementation/helpers.py)."""

import pytest

from approvals.models import Vote
from approvals.services import decision_approve
from core.workdays import seed_year
from proposals.models import Proposal
from proposals.transitions import Status
from tests.implementation.helpers import INDICATORS, MILESTONES
from tests.lifecycle import APPROVAL_TEXT, drive_to, meeting_with_votes, submitted_proposal


@pytest.fixture
def calendar_2026(db):
    """The 2026 public holidays (30/04, 01/05, Hùng Kings' day observed on 27/04 ...) in the working-day calendar."""
    seed_year(2026)


@pytest.fixture
def approved(calendar_2026, proposer, head, deputy, deputy2, secretariat) -> Proposal:
    """The proposer's plan, approved by the department (route A) through the services."""
    return drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)


@pytest.fixture
def approved_with_lines(calendar_2026, proposer, head, deputy, deputy2, secretariat) -> Proposal:
    """As `approved`, with a plan of three milestones and two indicators, one per line."""
    proposal = submitted_proposal(proposer=proposer, milestones=MILESTONES, indicators=INDICATORS)
    meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.FOR}, close=True)
    decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)
    return Proposal.objects.get(pk=proposal.pk)
