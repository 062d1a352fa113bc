"""The result computed when the meeting closes, under the legal profile the proposal was submitted under
(decree73.md §3.2 T4, §8: threshold, denominator, quorum, tie rule); closing and adjourning.
`approvals.voting.tally` on its own: test_voting.py.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết (`friday`, tests/conftest.py); `submitted` is
the proposer's complete plan, sent to the department that day.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import Meeting
from approvals.services import meeting_adjourn, meeting_close
from proposals.models import LegalProfile
from proposals.transitions import Status
from tests.approvals.helpers import ABSTAIN, AGAINST, FOR
from tests.lifecycle import fresh, meeting_with_votes, new_profile_version, open_meeting, submitted_proposal

D = datetime.date

pytestmark = pytest.mark.usefixtures("friday")


def _result(meeting: Meeting):
    meeting = fresh(meeting)
    return meeting.passed, (meeting.votes_for, meeting.votes_against, meeting.votes_abstain), meeting.denominator


def test_two_for_one_against_passes_and_the_minutes_get_a_number(submitted, head, deputy, deputy2):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST}, close=True)

    assert _result(meeting) == (True, (2, 1, 0), 3)
    assert (meeting.minutes_number, meeting.denominator_rule, meeting.tie_break_applied) == ("1/BB-SNV", "present", False)
    assert fresh(submitted).status == Status.COLLECTIVE_PASSED


def test_minutes_numbers_follow_each_other_in_the_unit(friday, proposer, head, deputy):
    first = meeting_with_votes(proposal=submitted_proposal(proposer=proposer), by=head, votes={head: FOR}, close=True)
    second = meeting_with_votes(proposal=submitted_proposal(proposer=proposer), by=head, votes={head: AGAINST}, close=True)
    assert (first.minutes_number, second.minutes_number) == ("1/BB-SNV", "2/BB-SNV")


@pytest.mark.parametrize(("head_vote", "passed"), [(FOR, True), (AGAINST, False)])
def test_a_tie_goes_to_the_side_the_head_voted_on(submitted, head, deputy, head_vote, passed):
    other = AGAINST if head_vote == FOR else FOR
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: head_vote, deputy: other}, close=True)

    assert _result(meeting)[0] is passed
    assert fresh(meeting).tie_break_applied
    assert fresh(submitted).status == (Status.COLLECTIVE_PASSED if passed else Status.COLLECTIVE_FAILED)


def test_with_the_fail_tie_rule_a_tie_fails_even_with_the_head_in_favour(friday, proposer, head, deputy):
    new_profile_version(tie_rule=LegalProfile.TieRule.FAIL)
    proposal = submitted_proposal(proposer=proposer)

    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: AGAINST}, close=True)

    assert _result(meeting)[0] is False
    assert not fresh(meeting).tie_break_applied


@pytest.mark.parametrize(
    ("denominator", "passed", "counted"),
    [
        (LegalProfile.Denominator.PRESENT, False, 4),  # 2 of 4 present is not more than 50 %
        (LegalProfile.Denominator.CAST, True, 3),  # 2 of the 3 who took a side
    ],
)
def test_an_abstention_counts_against_under_present_and_not_under_cast(friday, proposer, head, deputy, deputy2, deputy3, denominator, passed, counted):
    new_profile_version(denominator=denominator)
    proposal = submitted_proposal(proposer=proposer)

    meeting = meeting_with_votes(
        proposal=proposal, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST, deputy3: ABSTAIN}, close=True
    )

    assert _result(meeting) == (passed, (2, 1, 1), counted)
    assert not fresh(meeting).tie_break_applied


@pytest.mark.parametrize(
    ("denominator", "passed", "counted"),
    [(LegalProfile.Denominator.ELIGIBLE, False, 4), (LegalProfile.Denominator.PRESENT, True, 3)],
)
def test_under_eligible_an_absent_member_counts_in_the_denominator(friday, proposer, head, deputy, deputy2, deputy3, denominator, passed, counted):
    new_profile_version(denominator=denominator)
    proposal = submitted_proposal(proposer=proposer)

    # deputy3 is absent: 2 for of 4 eligible is not a majority, 2 of 3 present is.
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST}, close=True)

    assert _result(meeting) == (passed, (2, 1, 0), counted)


def test_a_present_member_who_did_not_vote_counts_as_abstaining(submitted, head, deputy, deputy2):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: AGAINST}, present=[head, deputy, deputy2], close=True)

    # The silent member abstains: 1 for, 1 against of 3 present. The sides are equal, so the head's side decides
    # (Art. 8(1), review D-1), however few in favour that is of the denominator.
    assert _result(meeting) == (True, (1, 1, 1), 3)
    assert fresh(meeting).tie_break_applied


def test_the_vote_is_counted_under_the_profile_the_proposal_was_submitted_under(friday, proposer, head, deputy, deputy2, deputy3):
    proposal = submitted_proposal(proposer=proposer)  # default profile: denominator "present"
    new_profile_version(denominator=LegalProfile.Denominator.CAST)

    meeting = meeting_with_votes(
        proposal=proposal, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST, deputy3: ABSTAIN}, close=True
    )

    assert _result(meeting) == (False, (2, 1, 1), 4)


def test_closing_below_quorum_is_refused(friday, proposer, head, deputy, deputy2, deputy3):
    new_profile_version(quorum_percent=75)
    proposal = submitted_proposal(proposer=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR}, present=[head, deputy])

    with pytest.raises(ValidationError) as error:
        meeting_close(meeting=meeting, by=head)

    assert error.value.code == "quorum"
    assert (fresh(meeting).state, fresh(proposal).status) == (Meeting.State.OPEN, Status.IN_REVIEW)


def test_at_quorum_the_meeting_closes(friday, proposer, head, deputy, deputy2, deputy3):
    new_profile_version(quorum_percent=75)
    proposal = submitted_proposal(proposer=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR, deputy2: AGAINST}, close=True)
    assert _result(meeting) == (True, (2, 1, 0), 3)


def test_only_the_head_or_secretariat_closes_or_adjourns_the_meeting(submitted, head, deputy, secretariat):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR})
    with pytest.raises(PermissionDenied):
        meeting_close(meeting=meeting, by=deputy)
    with pytest.raises(PermissionDenied):
        meeting_adjourn(meeting=meeting, by=deputy, reason="Vắng chủ trì")
    assert meeting_close(meeting=meeting, by=secretariat).passed is True


def test_an_adjourned_meeting_returns_the_plan_to_waiting_and_a_new_one_can_open(submitted, head, deputy):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR})
    with pytest.raises(ValidationError):
        meeting_adjourn(meeting=meeting, by=head, reason=" ")
    meeting_adjourn(meeting=meeting, by=head, reason="Cần thêm ý kiến Sở Tài chính.")
    assert (fresh(meeting).state, fresh(submitted).status) == (Meeting.State.ADJOURNED, Status.SUBMITTED)

    again = open_meeting(proposal=submitted, by=head, held_on=D(2026, 2, 13), attendees=[head, deputy])
    assert again.votes.count() == 0
