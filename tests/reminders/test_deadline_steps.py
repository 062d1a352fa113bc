"""Every deadline before the decision is a dated step too, so that the daily scan has one source (spec README §4:
"every open step shows its due date"): the review meeting (Art. 8(1), 7 WD; route B the superior's deadline) and
the written decision after the vote (D-14, `decision_deadline_wd`)."""

import datetime
import importlib

from django.apps import apps

from approvals.models import Vote
from approvals.services import decision_approve, decision_override, meeting_adjourn, meeting_close, proposal_return
from proposals.models import Proposal, Step
from proposals.services import proposal_revise, proposal_submit
from proposals.steps import step_close
from proposals.transitions import Status
from tests.lifecycle import (
    APPROVAL_TEXT,
    INCOMPLETE,
    JUSTIFICATION,
    REASONS,
    meeting_with_votes,
    new_profile_version,
    submitted_proposal,
)
from tests.reminders.helpers import REVIEW_DUE, morning

FOR, AGAINST = Vote.Choice.FOR, Vote.Choice.AGAINST


def open_step(proposal, kind) -> Step | None:
    return Step.objects.open().filter(proposal=proposal, kind=kind).first()


def test_submission_opens_the_review_step_due_seven_working_days_after_receipt(submitted, department):
    # Art. 8(1) [C]: the collective meets within 7 working days of receiving the plan.
    step = open_step(submitted, "review")
    assert (step.due_on, step.unit, step.person) == (REVIEW_DUE, department, None)
    assert step.due_on == submitted.review_due
    assert step.label == "Họp tập thể lãnh đạo xem xét đề xuất"


def test_route_b_the_review_step_is_the_superior_units_under_its_own_deadline(head, superior_head, province):
    # decree73.md T6, §8 superior_review_deadline [U]: a head's own plan goes up, under the superior's setting.
    new_profile_version(superior_review_deadline_wd=3)
    proposal = submitted_proposal(proposer=head)
    step = open_step(proposal, "review")
    assert (step.unit, step.due_on) == (province, datetime.date(2026, 3, 5))
    assert step.label == "Cấp trên xem xét đề xuất của người đứng đầu cơ quan"


def test_the_review_step_closes_when_the_meeting_opens_and_reopens_with_its_date_when_adjourned(
    submitted, head, deputy, time_machine
):
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR})
    assert open_step(submitted, "review") is None
    time_machine.move_to(morning(datetime.date(2026, 3, 4)), tick=False)

    meeting_adjourn(meeting=meeting, by=head, reason="Vắng chủ trì cuộc họp.")

    # REVIEW_DEADLINE_RUNNING: adjourning gives the deadline back, not more time.
    step = open_step(submitted, "review")
    assert step.due_on == REVIEW_DUE
    assert Step.objects.filter(proposal=submitted, kind="review").count() == 2


def test_a_return_closes_the_review_step_and_the_next_submission_opens_a_new_one(submitted, head, proposer, time_machine):
    proposal_return(proposal=submitted, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)
    assert open_step(submitted, "review") is None
    proposal_revise(proposal=submitted, by=proposer)
    assert not Step.objects.open().filter(proposal=submitted).exists()
    time_machine.move_to(morning(datetime.date(2026, 3, 16)), tick=False)

    proposal_submit(proposal=Proposal.objects.get(pk=submitted.pk), by=proposer)

    assert open_step(submitted, "review").due_on == datetime.date(2026, 3, 25)


def test_the_vote_opens_the_decision_step_and_the_decision_closes_it(submitted, head, deputy, department, time_machine):
    # D-14 [I]: the written decision within `decision_deadline_wd` (default 5) working days of the vote.
    meeting = meeting_with_votes(proposal=submitted, by=head, votes={head: FOR, deputy: FOR})
    time_machine.move_to(morning(datetime.date(2026, 3, 4)), tick=False)
    meeting_close(meeting=meeting, by=head, ends_at=datetime.time(11, 0))  # closed later: the chair states the end

    step = open_step(submitted, "decision")
    assert (step.due_on, step.unit, step.person) == (datetime.date(2026, 3, 11), department, None)

    decision_approve(proposal=submitted, by=head, text=APPROVAL_TEXT)
    assert open_step(submitted, "decision") is None


def test_the_decision_step_follows_the_profiles_deadline_and_closes_on_an_override(proposer, head, deputy):
    new_profile_version(decision_deadline_wd=2)
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)
    assert open_step(proposal, "decision").due_on == datetime.date(2026, 3, 4)

    decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)
    assert not Step.objects.open().filter(proposal=proposal).exists()


def test_a_return_after_a_failed_vote_closes_the_decision_step(submitted, head, deputy):
    meeting_with_votes(proposal=submitted, by=head, votes={head: AGAINST, deputy: AGAINST}, close=True)
    proposal_return(proposal=submitted, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)
    assert not Step.objects.open().filter(proposal=submitted).exists()


def test_the_data_migration_opens_the_steps_of_proposals_already_waiting(proposer, head, deputy, time_machine):
    waiting = submitted_proposal(proposer=proposer)
    voted = submitted_proposal(proposer=proposer, title="Số hóa hồ sơ cán bộ")
    meeting_with_votes(proposal=voted, by=head, votes={head: FOR, deputy: FOR}, close=True)
    approved = submitted_proposal(proposer=proposer, title="Một cửa liên thông")
    meeting_with_votes(proposal=approved, by=head, votes={head: FOR, deputy: FOR}, close=True)
    decision_approve(proposal=approved, by=head, text=APPROVAL_TEXT)
    # As before this release: no step for the review or the decision.
    step_close(proposal=waiting, kind="review")
    step_close(proposal=voted, kind="decision")
    time_machine.move_to(morning(datetime.date(2026, 3, 20)), tick=False)
    migration = importlib.import_module("reminders.migrations.0002_open_review_and_decision_steps")

    migration.open_steps(apps, None)
    migration.open_steps(apps, None)  # idempotent

    assert open_step(waiting, "review").due_on == REVIEW_DUE
    # 5 working days after the vote closed (Monday 02/03), not after the migration ran.
    assert open_step(voted, "decision").due_on == datetime.date(2026, 3, 9)
    assert Proposal.objects.get(pk=approved.pk).status == Status.APPROVED
    assert not Step.objects.open().filter(proposal=approved).exists()
    assert Step.objects.open().filter(kind__in=["review", "decision"]).count() == 2
