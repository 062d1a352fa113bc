"""Due badges (spec README §4): on time, due soon, overdue, in working days, and only while the review deadline
runs.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết, where a test asks for `friday` (tests/conftest.py).
"""

import datetime

import pytest

from approvals.services import meeting_adjourn
from proposals.models import Proposal
from proposals.selectors import DueBadges, DueState, due_state
from tests.lifecycle import drive_to, fresh, submitted_proposal

D = datetime.date


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (D(2026, 2, 26), DueState.ON_TIME),  # due Tue 3 Mar is 3 working days away
        (D(2026, 2, 27), DueState.DUE_SOON),  # 2 working days away (the profile's due_soon_wd)
        (D(2026, 3, 3), DueState.DUE_SOON),  # the due date itself is still on time, but soon
        (D(2026, 3, 4), DueState.OVERDUE),
    ],
)
def test_due_badges_around_the_review_due_date(friday, proposer, head, today, state):
    proposal = submitted_proposal(proposer=proposer)
    assert proposal.review_due == D(2026, 3, 3)

    badges = DueBadges(today=today)

    assert badges.state(due=proposal.review_due, soon_wd=proposal.profile.due_soon_wd) == state
    assert badges.state(due=None, soon_wd=2) is None


def test_due_badges_default_to_today_in_hanoi(friday):
    # Fri 13 Feb 2026: due Mon 23 Feb is 1 working day away across Tết, so it is due soon.
    assert DueBadges().state(due=D(2026, 2, 23), soon_wd=2) == DueState.DUE_SOON
    assert DueBadges().state(due=D(2026, 2, 26), soon_wd=2) == DueState.ON_TIME


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (Proposal.Status.SUBMITTED, DueState.OVERDUE),
        # Art. 8(1): the deadline is for holding the meeting. Once the collective has met, the proposal is
        # not late while the vote is closed and the decision prepared.
        (Proposal.Status.IN_REVIEW, None),
        (Proposal.Status.COLLECTIVE_PASSED, None),
        (Proposal.Status.COLLECTIVE_FAILED, None),
        (Proposal.Status.RETURNED, None),
    ],
)
def test_the_review_deadline_runs_only_until_the_collective_meets(friday, proposer, head, deputy, status, state):
    proposal = drive_to(status, proposer=proposer, head=head, deputy=deputy)
    assert proposal.review_due == D(2026, 3, 3)

    assert due_state(DueBadges(today=D(2026, 3, 4)), proposal) == state


def test_an_adjourned_meeting_puts_the_review_deadline_back_on(friday, proposer, head, deputy):
    proposal = drive_to(Proposal.Status.IN_REVIEW, proposer=proposer, head=head, deputy=deputy)
    meeting_adjourn(meeting=proposal.meetings.get(), by=head, reason="Thiếu số thành viên dự họp.")

    assert due_state(DueBadges(today=D(2026, 3, 4)), fresh(proposal)) == DueState.OVERDUE
