"""The decisions that may follow the vote (decree73.md §3.2 T4 approval, T5 override, T7 rejection and return;
documents.md numbering), who takes them, and that who may act is checked before what they typed.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết (`friday`, tests/conftest.py); `submitted` is
the proposer's complete plan, sent to the department that day.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import Decision, Meeting
from approvals.services import (
    consultation_record,
    decision_approve,
    decision_override,
    decision_reject,
    meeting_adjourn,
    meeting_open,
    proposal_return,
    vote_cast,
)
from core.audit import verify_chain
from core.models import AuditEvent, Notification
from proposals.transitions import Status
from tests.approvals.helpers import AGAINST, FOR
from tests.lifecycle import (
    APPROVAL_TEXT,
    INCOMPLETE,
    JUSTIFICATION,
    REASONS,
    deciding_panel,
    draft_proposal,
    fresh,
    meeting_with_votes,
    new_profile_version,
    open_meeting,
    submitted_proposal,
)

D = datetime.date

pytestmark = pytest.mark.usefixtures("friday")


# --- Decisions -----------------------------------------------------------------------------------------


@pytest.fixture
def passed(submitted, head, deputy):
    meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR}, close=True)
    return fresh(submitted)


@pytest.fixture
def failed(submitted, head, deputy):
    meeting_with_votes(proposal=submitted, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)
    return fresh(submitted)


def test_the_head_approves_after_a_passing_vote(passed, head):
    decision = decision_approve(proposal=passed, by=head, text=APPROVAL_TEXT)

    proposal = fresh(passed)
    assert (proposal.status, proposal.approved_version) == (Status.APPROVED, 1)
    assert (decision.kind, decision.number, decision.signer, decision.signer_title) == (
        Decision.Kind.APPROVAL, "1/QĐ-SNV", head, "Giám đốc"
    )
    assert decision.meeting == proposal.meetings.get()


@pytest.mark.parametrize("who", ["deputy", "secretariat", "proposer", "superior_head"])
def test_only_the_head_decides(passed, request, who):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        decision_approve(proposal=passed, by=person, text=APPROVAL_TEXT)
    with pytest.raises(PermissionDenied):
        decision_reject(proposal=passed, by=person, reasons=REASONS)
    with pytest.raises(PermissionDenied):
        proposal_return(proposal=passed, by=person, reasons=REASONS)
    assert not Decision.objects.exists()
    assert fresh(passed).status == Status.COLLECTIVE_PASSED


def test_approval_needs_a_passing_vote(submitted, head, deputy):
    with pytest.raises(ValidationError):
        decision_approve(proposal=submitted, by=head, text=APPROVAL_TEXT)  # no vote yet
    meeting_with_votes(proposal=submitted, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)
    with pytest.raises(ValidationError):
        decision_approve(proposal=submitted, by=head, text=APPROVAL_TEXT)  # the vote failed
    assert not Decision.objects.exists()


def test_the_prefilled_approval_text_gives_the_completion_report_deadline_of_the_proposals_profile(friday, proposer, head, deputy):
    new_profile_version(completion_report_deadline_wd=10)
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR}, close=True)

    text = deciding_panel(proposal=fresh(proposal), user=head)["actions"]["decision_approve"].initial["text"]

    assert "trong thời hạn 10 ngày làm việc kể từ ngày hoàn thành" in text


def test_the_head_overrides_a_failing_vote_in_writing(failed, head):
    decision = decision_override(proposal=failed, by=head, justification=JUSTIFICATION)

    proposal = fresh(failed)
    assert (proposal.status, proposal.approved_version) == (Status.APPROVED, 1)
    assert (decision.kind, decision.text, decision.number) == (Decision.Kind.OVERRIDE, JUSTIFICATION, "1/QĐ-SNV")


def test_an_override_needs_a_real_justification(failed, head):
    with pytest.raises(ValidationError) as error:
        decision_override(proposal=failed, by=head, justification="Cần thiết.")
    assert "justification" in error.value.message_dict
    assert fresh(failed).status == Status.COLLECTIVE_FAILED


def test_an_override_needs_a_failing_vote(passed, head):
    with pytest.raises(ValidationError):
        decision_override(proposal=passed, by=head, justification=JUSTIFICATION)
    assert not Decision.objects.exists()


def test_only_the_head_overrides(failed, deputy):
    with pytest.raises(PermissionDenied):
        decision_override(proposal=failed, by=deputy, justification=JUSTIFICATION)


@pytest.mark.parametrize(
    "step",
    [
        lambda p, head: consultation_record(proposal=p, by=head, committee="Đảng ủy Sở", opinion_date=D(2026, 2, 13), opinion="Đồng ý"),
        lambda p, head: open_meeting(proposal=p, by=head, held_on=D(2026, 2, 13), attendees=[head]),
        lambda p, head: proposal_return(proposal=p, by=head, reasons=REASONS),
        lambda p, head: decision_approve(proposal=p, by=head, text=APPROVAL_TEXT),
        lambda p, head: decision_override(proposal=p, by=head, justification=JUSTIFICATION),
        lambda p, head: decision_reject(proposal=p, by=head, reasons=REASONS),
    ],
    ids=["consultation", "meeting", "return", "approve", "override", "reject"],
)
def test_a_plan_never_submitted_is_out_of_the_deciding_units_reach(friday, proposer, head, step):
    draft = draft_proposal(proposer=proposer)
    with pytest.raises(PermissionDenied):  # not an AttributeError on the missing profile
        step(draft, head)
    assert fresh(draft).status == Status.DRAFT


def test_no_override_when_the_profile_forbids_it(friday, proposer, head, deputy):
    new_profile_version(override_allowed=False)
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)

    with pytest.raises(PermissionDenied):
        decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)

    assert fresh(proposal).status == Status.COLLECTIVE_FAILED
    assert not Decision.objects.exists()


def test_the_head_rejects_a_failed_plan_with_written_reasons(failed, head):
    with pytest.raises(ValidationError) as error:
        decision_reject(proposal=failed, by=head, reasons="Không.")
    assert "reasons" in error.value.message_dict

    decision = decision_reject(proposal=failed, by=head, reasons=REASONS)

    assert (decision.kind, decision.text, decision.number) == (Decision.Kind.REJECTION, REASONS, "1/SNV-VP")
    assert fresh(failed).status == Status.REJECTED


def test_the_head_returns_a_plan_for_clarification(submitted, head):
    with pytest.raises(ValidationError):
        proposal_return(proposal=submitted, by=head, reasons="Bổ sung.")

    letter = proposal_return(proposal=submitted, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)

    assert (letter.kind, letter.number, letter.register) == (Decision.Kind.RETURN, "1/SNV-VP", "CV")
    assert fresh(submitted).status == Status.RETURNED


def test_a_plan_that_failed_the_vote_can_be_returned(failed, head):
    proposal_return(proposal=failed, by=head, reasons=REASONS)
    assert fresh(failed).status == Status.RETURNED


def test_document_numbers_run_per_unit_register_and_year(friday, proposer, head, deputy, superior_head, time_machine):
    def approved(by_proposer, decider, voters):
        proposal = submitted_proposal(proposer=by_proposer)
        meeting_with_votes(proposal=proposal, by=decider, votes=dict.fromkeys(voters, FOR), close=True)
        return decision_approve(proposal=proposal, by=decider, text=APPROVAL_TEXT)

    first = approved(proposer, head, [head, deputy])
    second = approved(proposer, head, [head, deputy])
    letter = proposal_return(
        proposal=submitted_proposal(proposer=proposer), by=head, reasons=REASONS, incomplete_items=INCOMPLETE,
    )
    at_province = approved(head, superior_head, [superior_head])  # route B: the province's register
    time_machine.move_to(datetime.datetime(2027, 1, 5, 9, 0, tzinfo=datetime.UTC), tick=False)
    next_year = approved(proposer, head, [head, deputy])

    assert [first.number, second.number, letter.number, at_province.number, next_year.number] == [
        "1/QĐ-SNV", "2/QĐ-SNV", "1/SNV-VP", "1/QĐ-UBND", "1/QĐ-SNV"  # a letter names its drafting unit (finding 3)
    ]
    assert (next_year.register, next_year.register_year, next_year.register_seq) == ("QĐ", 2027, 1)


def test_decisions_reach_the_proposer_once_committed(passed, head, proposer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decision = decision_approve(proposal=passed, by=head, text=APPROVAL_TEXT)
        assert not Notification.objects.filter(recipient=proposer).exists()  # not before the commit

    assert callbacks
    message = Notification.objects.get(recipient=proposer).text()
    assert decision.number in message


def test_rejections_and_vote_results_reach_the_proposer(submitted, head, deputy, proposer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_with_votes(proposal=submitted, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)
        decision_reject(proposal=submitted, by=head, reasons=REASONS)

    messages = [n.text() for n in Notification.objects.filter(recipient=proposer).order_by("pk")]
    assert len(messages) == 2
    assert "không thông qua" in messages[0] and "1/SNV" in messages[1]


def test_the_deciding_steps_write_audit_events_with_their_states(passed, head, deputy):
    decision_approve(proposal=passed, by=head, text=APPROVAL_TEXT)

    events = AuditEvent.objects.for_object(passed).order_by("seq")
    assert [(e.action, e.from_state, e.to_state) for e in events.exclude(from_state="")] == [
        ("submit", "draft", "submitted"),
        ("open_meeting", "submitted", "in_review"),
        ("close_passed", "in_review", "collective_passed"),
        ("approve", "collective_passed", "approved"),
    ]
    assert [(e.actor, e.role) for e in events.filter(action="vote")] == [(head, "head"), (deputy, "deputy")]
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_route_b_is_decided_by_the_superior_collective(friday, head, superior_head, province):
    proposal = submitted_proposal(proposer=head)

    meeting = meeting_with_votes(proposal=proposal, by=superior_head, votes={superior_head: FOR}, close=True)
    with pytest.raises(PermissionDenied):
        decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)  # the proposer, head of the lower unit
    decision = decision_approve(proposal=proposal, by=superior_head, text=APPROVAL_TEXT)

    assert (meeting.unit, set(meeting.eligible_voters.all()), decision.unit) == (province, {superior_head}, province)


# --- Who may act is checked before what they typed -------------------------------------------------------


@pytest.mark.parametrize("who", ["deputy", "secretariat", "proposer", "outsider"])
@pytest.mark.parametrize(
    "step",
    [
        lambda p, by: decision_reject(proposal=p, by=by, reasons="Không."),
        lambda p, by: proposal_return(proposal=p, by=by, reasons=""),
        lambda p, by: decision_override(proposal=p, by=by, justification="Cần."),
        lambda p, by: decision_approve(proposal=p, by=by, text=" "),  # and in the wrong state, too
    ],
    ids=["reject", "return", "override", "approve"],
)
def test_a_non_head_with_bad_input_is_refused_for_who_they_are_not_for_the_input(failed, request, who, step):
    with pytest.raises(PermissionDenied):
        step(failed, request.getfixturevalue(who))
    assert not Decision.objects.exists()
    assert fresh(failed).status == Status.COLLECTIVE_FAILED


@pytest.mark.parametrize("who", ["deputy", "proposer", "outsider"])
def test_a_non_organiser_with_bad_input_is_refused_for_who_they_are(submitted, request, who, head, deputy):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        consultation_record(proposal=submitted, by=person, committee="", opinion_date=D(2030, 1, 1), opinion="")
    with pytest.raises(PermissionDenied):
        meeting_open(proposal=submitted, by=person, held_on=D(2030, 1, 1), starts_at=None, attendees=[person],
                     secretary_name="")
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR})
    with pytest.raises(PermissionDenied):
        meeting_adjourn(meeting=meeting, by=person, reason="")
    assert fresh(meeting).state == Meeting.State.OPEN


@pytest.mark.parametrize("who", ["proposer", "outsider", "secretariat", "deputy2"])  # deputy2: eligible but absent
def test_someone_who_may_not_vote_is_refused_as_such_even_after_the_vote_closed(submitted, request, who, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR}, close=True)
    with pytest.raises(PermissionDenied):
        vote_cast(meeting=meeting, by=request.getfixturevalue(who), choice="nonsense")
    with pytest.raises(ValidationError) as error:  # a voter of that meeting is told it is over
        vote_cast(meeting=meeting, by=deputy, choice=FOR)
    assert error.value.code == "closed"
