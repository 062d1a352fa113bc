"""Two people (or two browser tabs) doing the same thing at the same moment (style.md §2, §8).

PostgreSQL only: SQLite serialises whole transactions, so it proves nothing about row locks. Each test
commits its setup (transaction=True), then starts two threads together on a barrier; each thread has its
own database connection and closes it at the end.
"""

import re
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services
from approvals.models import Decision, Meeting, Vote
from approvals.services import consultation_record, decision_approve, meeting_adjourn, meeting_close, vote_cast
from core.audit import verify_chain
from core.models import AuditEvent, DocumentCounter
from proposals.models import PlanVersion, Proposal
from proposals.services import proposal_submit
from tests.lifecycle import APPROVAL_TEXT, REASONS, draft_proposal, meeting_with_votes, open_meeting, submitted_proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def together(*calls):
    """Run `calls` in threads released at the same instant; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as exc:  # the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return outcomes


def _one_won_one_refused(outcomes) -> object:
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    won = [o for o in outcomes if not isinstance(o, Exception)]
    assert (len(won), len(refused)) == (1, 1), outcomes
    return won[0]


def _passed(proposer, head, deputy) -> Proposal:
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.FOR}, close=True)
    return proposal


def test_two_submissions_of_one_draft_freeze_one_version(proposer, head):
    draft = draft_proposal(proposer=proposer)

    outcomes = together(lambda: proposal_submit(proposal=draft, by=proposer), lambda: proposal_submit(proposal=draft, by=proposer))

    _one_won_one_refused(outcomes)
    assert list(PlanVersion.objects.filter(proposal=draft).values_list("number", flat=True)) == [1]
    assert AuditEvent.objects.for_object(draft).filter(action="submit").count() == 1
    assert Proposal.objects.get(pk=draft.pk).current_version == 1
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_one_voter_voting_twice_at_once_leaves_one_vote(proposer, head, deputy):
    proposal = submitted_proposal(proposer=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={}, present=[head, deputy])

    outcomes = together(
        lambda: vote_cast(meeting=meeting, by=deputy, choice=Vote.Choice.FOR),
        lambda: vote_cast(meeting=meeting, by=deputy, choice=Vote.Choice.AGAINST, reason=REASONS),
    )

    vote = _one_won_one_refused(outcomes)
    assert list(Vote.objects.values_list("voter", "choice")) == [(deputy.pk, vote.choice)]
    assert AuditEvent.objects.filter(action="vote").count() == 1


def test_two_approvals_at_once_issue_one_decision_with_one_number(proposer, head, deputy):
    proposal = _passed(proposer, head, deputy)

    outcomes = together(
        lambda: decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT),
        lambda: decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT),
    )

    decision = _one_won_one_refused(outcomes)
    assert list(Decision.objects.values_list("number", flat=True)) == [decision.number] == ["1/QĐ-SNV"]
    # The refused attempt gave its number back: the register is not left with a hole.
    assert DocumentCounter.objects.get(unit=proposal.unit, doc_type="QĐ").last_number == 1
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.APPROVED


def test_two_meetings_opened_at_once_make_one(proposer, head, deputy, secretariat):
    proposal = submitted_proposal(proposer=proposer)
    consultation_record(
        proposal=proposal, by=head, committee="Đảng ủy Sở", opinion_date=proposal.received_on, opinion="Đồng ý"
    )

    outcomes = together(
        lambda: open_meeting(proposal=proposal, by=head, held_on=proposal.received_on, attendees=[head, deputy]),
        lambda: open_meeting(proposal=proposal, by=secretariat, held_on=proposal.received_on, attendees=[head]),
    )

    meeting = _one_won_one_refused(outcomes)
    assert list(Meeting.objects.values_list("pk", flat=True)) == [meeting.pk]
    assert AuditEvent.objects.filter(action="open_meeting").count() == 1


def test_two_decisions_in_one_unit_at_once_get_consecutive_numbers(proposer, head, deputy):
    first, second = _passed(proposer, head, deputy), _passed(proposer, head, deputy)

    outcomes = together(
        lambda: decision_approve(proposal=first, by=head, text=APPROVAL_TEXT),
        lambda: decision_approve(proposal=second, by=head, text=APPROVAL_TEXT),
    )

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(Decision.objects.values_list("register_seq", "number")) == [(1, "1/QĐ-SNV"), (2, "2/QĐ-SNV")]
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_a_vote_and_the_close_of_its_meeting_at_once_never_deadlock_and_the_tally_counts_every_stored_vote(
    proposer, head, deputy, monkeypatch
):
    proposal = submitted_proposal(proposer=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR}, present=[head, deputy])
    locked = services._lock

    def lock_and_linger(proposal):
        # Hold the proposal lock a moment: the other thread arrives while it is held, so taking the meeting
        # row before the proposal row (the order this test guards against) would deadlock every time.
        proposal = locked(proposal)
        time.sleep(0.3)
        return proposal

    def vote_a_moment_later():
        time.sleep(0.1)  # the close takes the proposal first
        return vote_cast(meeting=meeting, by=deputy, choice=Vote.Choice.AGAINST, reason=REASONS)

    monkeypatch.setattr(services, "_lock", lock_and_linger)
    outcomes = together(vote_a_moment_later, lambda: meeting_close(meeting=meeting, by=head))

    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ValidationError)], outcomes
    closed = Meeting.objects.get(pk=meeting.pk)
    assert isinstance(outcomes[1], Meeting) and closed.state == Meeting.State.CLOSED
    if isinstance(outcomes[0], ValidationError):
        assert outcomes[0].code == "closed"
    # Whoever won, the stored result is the count of the stored votes: no vote slipped in after the count.
    stored = list(Vote.objects.filter(meeting=meeting).values_list("choice", flat=True))
    assert (closed.votes_for, closed.votes_against) == (stored.count(Vote.Choice.FOR), stored.count(Vote.Choice.AGAINST))
    assert closed.votes_for + closed.votes_against + closed.votes_abstain == 2
    assert verify_chain() == (AuditEvent.objects.count(), None)


LOCKED_TABLE = re.compile(r'FOR UPDATE OF "?(\w+)"?')


@pytest.mark.parametrize("step", ["vote", "close", "adjourn"])
def test_the_meeting_services_lock_the_proposal_then_the_meeting_and_nothing_they_only_read(proposer, head, deputy, step):
    proposal = submitted_proposal(proposer=proposer)
    meeting = meeting_with_votes(proposal=proposal, by=head, votes={}, present=[head, deputy])
    call = {
        "vote": lambda: vote_cast(meeting=meeting, by=deputy, choice=Vote.Choice.FOR),
        "close": lambda: meeting_close(meeting=meeting, by=head),
        "adjourn": lambda: meeting_adjourn(meeting=meeting, by=head, reason="Vắng nhiều thành viên."),
    }[step]

    with CaptureQueriesContext(connection) as queries:
        call()

    locks = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    # The first two locks, in this order, each naming its one table (`of=("self",)`): the rows joined to read
    # alongside (unit, profile, proposer) are not locked. The number and audit locks come after, in core.
    first_two = [LOCKED_TABLE.search(sql) for sql in locks[:2]]
    assert [match.group(1) if match else None for match in first_two] == ["proposals_proposal", "approvals_meeting"], locks
