"""Plain helpers of the directions' tests: the clock, URLs, a proposal brought into implementation, the panel.

The clock stands on Thursday 05/02/2026 09:00 in Hà Nội (`pytestmark = pytest.mark.frozen_at(NOW)`), the day
the proposals are approved; directions may take effect from that day to 30 days later.
"""

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from approvals.services import decision_override
from core.actions import Situation
from directions import services
from proposals.actions import stage_sections
from proposals.models import Proposal
from proposals.selectors import proposal_for_user
from proposals.services import proposal_transition
from proposals.transitions import Action, Status
from tests.lifecycle import HANOI, JUSTIFICATION, drive_to, fresh

NOW = datetime.datetime(2026, 2, 5, 9, 0, tzinfo=HANOI)
TODAY = NOW.date()
REASONS = "Nguồn kinh phí thực hiện chưa được bố trí kịp thời theo kế hoạch, cần rà soát lại."
SHORT = "Chưa đủ điều kiện."  # 18 characters: fewer than approvals.services.MIN_JUSTIFICATION_CHARS
GROUNDS = {
    "minutes_number": "05/BB-SNV", "meeting_held_on": TODAY, "party_committee": "Đảng ủy Sở Nội vụ",
    "party_opinion_date": TODAY,
}
NEW_END = datetime.date(2027, 3, 31)


def url(name, *args) -> str:
    return reverse(f"directions:{name}", args=args)


def detail(proposal) -> str:
    return reverse("proposals:detail", args=[proposal.pk])


def start(proposal: Proposal, by) -> Proposal:
    """APPROVED → IN_IMPLEMENTATION. Stands in for the implementation stage's start service
    (`implementation.services.implementation_start`, which also needs a lead implementer assigned): the
    directions need only the status, reached through the transition table and its audit event."""
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal_transition(proposal=proposal, action=Action.START, by=by, role="head", unit=proposal.decision_unit,
                            payload={"stand_in_for": "implementation_start"})
    return fresh(proposal)


def implementing(*, proposer, head, deputy) -> Proposal:
    """A route-A proposal approved by the collective and the head, in implementation."""
    return start(drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy), head)


def implementing_by_override(*, proposer, head, deputy) -> Proposal:
    """A route-A proposal the collective did not pass, approved by the head's override (Art. 8(1)), in
    implementation."""
    proposal = drive_to(Status.COLLECTIVE_FAILED, proposer=proposer, head=head, deputy=deputy)
    decision_override(proposal=proposal, by=head, justification=JUSTIFICATION)
    return start(proposal, head)


def implementing_with_lead(*, proposer, head, deputy, lead) -> Proposal:
    """A route-A proposal started by the implementation stage itself: `lead` (a cadre of the department) assigned
    to lead it, then implementation started (`implementation.services`)."""
    from implementation.models import Assignment
    from implementation.services import implementation_start, implementer_assign

    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    implementer_assign(proposal=proposal, by=head, kind=Assignment.Kind.CADRE, person=lead, is_lead=True,
                       task="Chủ trì triển khai thực hiện.")
    implementation_start(proposal=proposal, by=head)
    return fresh(proposal)


def suspend(proposal, by, **fields):
    return services.direction_suspend(proposal=proposal, by=by, **{"reasons": REASONS, "effective_on": TODAY, **fields})


def resume(proposal, by, **fields):
    return services.direction_continue(proposal=proposal, by=by, **{"reasons": REASONS, "effective_on": TODAY, **fields})


def stop(proposal, by, **fields):
    return services.direction_stop(proposal=proposal, by=by, **{"reasons": REASONS, "effective_on": TODAY, **fields})


def adjust(proposal, by, *, plan=None, grounds=True, **fields):
    """An adjustment moving the end date (and whatever `plan` says), on the collective path's grounds."""
    return services.direction_adjust(
        proposal=proposal, by=by, plan={"end_date": NEW_END, **(plan or {})},
        **{"reasons": REASONS, "effective_on": TODAY, **(GROUNDS if grounds else {}), **fields},
    )


def section(proposal, user):
    """The directions' section of the proposal page as `user` sees it (read as the page reads it)."""
    proposal = proposal_for_user(user=user, pk=proposal.pk)
    [found] = [s for s in stage_sections(Situation(proposal=proposal, user=user)) if s.stage.label == "directions"]
    return found


def offered(proposal, user) -> set[str]:
    return {offer.action.name for offer in section(proposal, user).offers}


def panel_html(proposal, user) -> str:
    proposal = proposal_for_user(user=user, pk=proposal.pk)
    return render_to_string("proposals/partials/stage_section.html", {"proposal": proposal, "section": section(proposal, user)})
