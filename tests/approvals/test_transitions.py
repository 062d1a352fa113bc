"""Every step the transition table (proposals.transitions.TRANSITIONS) does not allow is refused by the deciding
unit's services, before any number is taken or document rendered; on PostgreSQL the database refuses it too.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết (`friday`, tests/conftest.py); `submitted` is
the proposer's complete plan, sent to the department that day.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from approvals import documents
from approvals.models import Decision, Meeting, Vote
from approvals.services import (
    decision_approve,
    decision_override,
    decision_refer,
    decision_reject,
    meeting_adjourn,
    meeting_close,
    proposal_return,
)
from core.models import AuditEvent, DocumentCounter
from proposals.models import Proposal
from proposals.services import proposal_revise, proposal_submit
from proposals.transitions import DECIDING_ACTIONS, POST_DECISION, PROPOSER_ACTIONS, TRANSITIONS, Action, Status
from tests.approvals.helpers import AGAINST, FOR
from tests.lifecycle import APPROVAL_TEXT, JUSTIFICATION, REASONS, REFERRED_TO, drive_to, fresh, open_meeting

pytestmark = pytest.mark.usefixtures("friday")


# The registering and deciding part of the table: the statuses up to the decision and the actions taken in them
# (the later stages test theirs).
DECIDING_STATUSES = [status for status in Status.values if status not in POST_DECISION]
ILLEGAL = [
    (status, action) for status in DECIDING_STATUSES for action in sorted(PROPOSER_ACTIONS | DECIDING_ACTIONS)
    if (status, action) not in TRANSITIONS
]


MEETING_ACTIONS = (Action.ADJOURN, Action.CLOSE_PASSED, Action.CLOSE_FAILED)


def _stray_open_meeting(proposal: Proposal, head, choice: str) -> Meeting:
    """An open meeting left behind whatever the status, with a quorum and a vote, so only the status can refuse."""
    meeting = Meeting.objects.create(
        proposal=proposal, version=proposal.current_version, unit=proposal.decision_unit, held_on=proposal.received_on,
        chair=head, opened_by=head,
    )
    meeting.eligible_voters.set([head])
    meeting.attendees.set([head])
    Vote.objects.create(meeting=meeting, voter=head, choice=choice, reason=REASONS)
    return meeting


def _attempt(action: str, proposal: Proposal, meeting: Meeting | None, *, proposer, head):
    calls = {
        Action.SUBMIT: lambda: proposal_submit(proposal=proposal, by=proposer),
        Action.REVISE: lambda: proposal_revise(proposal=proposal, by=proposer),
        Action.RETURN: lambda: proposal_return(proposal=proposal, by=head, reasons=REASONS),
        Action.OPEN_MEETING: lambda: open_meeting(proposal=proposal, by=head, held_on=proposal.received_on, attendees=[head]),
        Action.ADJOURN: lambda: meeting_adjourn(meeting=meeting, by=head, reason="Hoãn họp"),
        Action.CLOSE_PASSED: lambda: meeting_close(meeting=meeting, by=head),
        Action.CLOSE_FAILED: lambda: meeting_close(meeting=meeting, by=head),
        Action.APPROVE: lambda: decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT),
        Action.OVERRIDE: lambda: decision_override(proposal=proposal, by=head, justification=JUSTIFICATION),
        Action.REJECT: lambda: decision_reject(proposal=proposal, by=head, reasons=REASONS),
        Action.REFER: lambda: decision_refer(proposal=proposal, by=head, addressee=REFERRED_TO, reasons=REASONS),
    }
    return calls[action]()


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_an_action_the_transition_table_does_not_allow_is_refused(friday, proposer, head, deputy, status, action):
    # DRAFT is a returned-and-reopened plan: its deciding unit is known, so the head's refusals are about the state.
    proposal = drive_to(status, proposer=proposer, head=head, deputy=deputy)
    meeting = None
    if action in MEETING_ACTIONS:
        meeting = _stray_open_meeting(proposal, head, AGAINST if action == Action.CLOSE_FAILED else FOR)
    before = (AuditEvent.objects.count(), Decision.objects.count(), Meeting.objects.count(), proposal.current_version)

    with pytest.raises(ValidationError):
        _attempt(action, proposal, meeting, proposer=proposer, head=head)

    after = fresh(proposal)
    assert after.status == status
    assert (AuditEvent.objects.count(), Decision.objects.count(), Meeting.objects.count(), after.current_version) == before
    if meeting is not None:
        assert fresh(meeting).state == Meeting.State.OPEN


@pytest.mark.postgres
def test_on_postgresql_the_database_refuses_an_illegal_status_change(friday, proposer, head, deputy):
    if connection.vendor != "postgresql":
        pytest.skip("the FSM trigger exists on PostgreSQL only")
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)

    with pytest.raises(DatabaseError, match="Invalid transition"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE proposals_proposal SET status = 'draft' WHERE id = %s", [proposal.pk])

    assert fresh(proposal).status == Status.APPROVED


def test_a_close_the_status_refuses_takes_no_number_and_renders_no_minutes(friday, proposer, head, deputy, monkeypatch, private_media):
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    meeting = _stray_open_meeting(proposal, head, FOR)
    numbers = DocumentCounter.objects.get(unit=proposal.decision_unit, doc_type="BB").last_number
    files = sorted(private_media.rglob("*"))

    def no_rendering(*args, **kwargs):
        raise AssertionError("the minutes were rendered before the status was checked")

    monkeypatch.setattr(documents, "render_pdf", no_rendering)
    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=meeting, by=head)

    assert error.value.code == "bad_transition"
    assert DocumentCounter.objects.get(unit=proposal.decision_unit, doc_type="BB").last_number == numbers
    assert sorted(private_media.rglob("*")) == files
