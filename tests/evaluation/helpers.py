"""Plain helpers of the evaluation stage's tests: the clock, the URLs, a proposal brought to REPORTED, and the
evaluation steps taken through the services.

The implementation and directions apps are being built alongside: until their services exist, a proposal
reaches REPORTED here through `proposals.services.proposal_transition` (START, COMPLETE or STOP, REPORT), and the
"evaluation" step is opened as the implementation app opens it on REPORT (the step contract).
The clock stands on Monday 02/03/2026 09:00 in Hà Nội (after Tết; `pytestmark = pytest.mark.frozen_at(NOW)`).
"""

import datetime

from django.db import transaction
from django.urls import reverse

from approvals.models import Vote
from approvals.services import decision_approve, decision_override
from evaluation import services
from evaluation.models import EvaluationMeeting, Outcome
from proposals.models import Proposal
from proposals.services import proposal_transition
from proposals.steps import due_after, step_open
from proposals.transitions import Action, Status
from tests.lifecycle import (
    APPROVAL_TEXT,
    HANOI,
    JUSTIFICATION,
    SECRETARY,
    STARTS_AT,
    drive_to,
    fresh,
    meeting_with_votes,
    submitted_proposal,
)

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=HANOI)
TODAY = NOW.date()
FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
REASONS = "Bám sát chủ trương của Tỉnh ủy về cải cách hành chính, không vì lợi ích riêng."
CAUSES = "Hạ tầng dữ liệu đất đai của tỉnh chưa liên thông đầy đủ với cơ quan thuế."


def url(name, *args) -> str:
    return reverse(f"evaluation:{name}", args=args)


def detail(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def _after_approval(proposal: Proposal, *, head, implementer, stopped: bool) -> Proposal:
    """START, then COMPLETE (or STOP), then REPORT, each an audited transition; the "evaluation" step opens."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        unit = locked.decision_unit
        proposal_transition(proposal=locked, action=Action.START, by=head, role="head", unit=unit)
        proposal_transition(proposal=locked, action=Action.STOP if stopped else Action.COMPLETE, by=head, role="head", unit=unit)
        proposal_transition(proposal=locked, action=Action.REPORT, by=implementer, role="proposer", unit=locked.unit)
        step_open(proposal=locked, kind="evaluation", label="Đánh giá kết quả thực hiện",
                  due_on=due_after(TODAY, locked.profile.evaluation_meeting_deadline_wd), unit=unit)
    return fresh(proposal)


def reported(*, proposer, head, deputy, stopped: bool = False, co_authors=()) -> Proposal:
    """A route-A proposal (with `co_authors`) approved by the collective, implemented (or stopped) and reported."""
    if co_authors:
        proposal = submitted_proposal(proposer=proposer, co_authors=co_authors)
        meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.FOR}, close=True)
        decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)
    else:
        proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    return _after_approval(proposal, head=head, implementer=proposer, stopped=stopped)


def reported_route_b(*, head, superior_head, stopped: bool = False) -> Proposal:
    """The department head's own proposal, decided by the province (route B), reported."""
    proposal = submitted_proposal(proposer=head)
    meeting_with_votes(proposal=proposal, by=superior_head, votes={superior_head: Vote.Choice.FOR}, close=True)
    decision_approve(proposal=proposal, by=superior_head, text=APPROVAL_TEXT)
    return _after_approval(proposal, head=superior_head, implementer=head, stopped=stopped)


def reported_after_override(*, proposer, head, deputy) -> Proposal:
    """The collective voted against; the head approved in writing (Art. 8(1) override); then reported."""
    proposal = submitted_proposal(proposer=proposer)
    meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.AGAINST, deputy: Vote.Choice.AGAINST}, close=True)
    decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)
    return _after_approval(proposal, head=head, implementer=proposer, stopped=False)


def consult(proposal, by, **fields):
    return services.evaluation_consultation_record(
        proposal=proposal, by=by, **{"committee": "Đảng ủy Sở Nội vụ", "opinion_date": TODAY,
                                     "opinion": "Nhất trí với kết quả thực hiện; đề nghị nhân rộng.", **fields},
    )


PROPOSED = {"proposed_outcome": Outcome.COMPLETED, "proposed_damage": False, "proposed_right_policy": True,
            "proposed_pure_motive": True, "proposed_common_good": True}


def open_meeting(proposal, by, attendees, **fields) -> EvaluationMeeting:
    if not proposal.evaluation_consultations.exists():
        consult(proposal, by)
    return services.evaluation_meeting_open(
        proposal=proposal, by=by, attendees=attendees,
        **{"held_on": TODAY, "starts_at": STARTS_AT, "secretary_name": SECRETARY, "location": "Phòng họp số 2",
           **PROPOSED, **fields},
    )


def held(proposal, head, votes: dict, **fields) -> EvaluationMeeting:
    """Open the evaluation meeting with the people in `votes` present, cast them and close it."""
    meeting = open_meeting(proposal, head, list(votes), **fields)
    for person, choice in votes.items():
        services.evaluation_vote_cast(meeting=meeting, by=person, choice=choice,
                                      reason="Chưa đánh giá đủ chỉ tiêu." if choice == AGAINST else "")
    return services.evaluation_meeting_close(meeting=meeting, by=head)


def conclusion_fields(**overrides) -> dict:
    fields = {
        "outcome": Outcome.COMPLETED, "results_assessment": "Đạt 85 % hồ sơ trực tuyến, thời gian giải quyết 9 ngày.",
        "damage": False, "damage_vnd": None, "right_policy": True, "right_policy_reasons": REASONS,
        "pure_motive": True, "pure_motive_reasons": "Không có lợi ích cá nhân, nhóm.", "common_good": True,
        "common_good_reasons": "Người dân giảm chi phí, thời gian đi lại.", "objective_causes": CAUSES,
        "subjective_causes": "Tổ công tác chủ động phối hợp với cơ quan thuế.",
    }
    fields.update(overrides)
    return fields


def conclude(proposal, head, **overrides):
    return services.conclusion_issue(proposal=proposal, by=head, **conclusion_fields(**overrides))


def evaluated(proposal, head, deputy, **overrides):
    """Meeting (adopting the assessment of `overrides`), then the conclusion: EVALUATED."""
    fields = conclusion_fields(**overrides)
    held(proposal, head, {head: FOR, deputy: FOR}, proposed_outcome=fields["outcome"], proposed_damage=fields["damage"],
         proposed_right_policy=fields["right_policy"], proposed_pure_motive=fields["pure_motive"],
         proposed_common_good=fields["common_good"])
    return services.conclusion_issue(proposal=fresh(proposal), by=head, **fields)
