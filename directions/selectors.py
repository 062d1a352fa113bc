"""Reads for the directions: the panel on the proposal page, the decision a direction rests on, who leads the
implementation, the report due after a stop."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef

from accounts.models import Position
from accounts.permissions import unit_paths_held
from approvals.models import Decision
from core.actions import Situation
from implementation import selectors as implementation_selectors
from implementation.models import Assignment
from proposals.diff import field_label
from proposals.models import LegalProfile, Proposal
from proposals.steps import due_after
from proposals.transitions import POST_DECISION, Status

from . import rules
from .models import Direction

# Where directions exist or may come: once implementation has started (IMP-5). Before it the panel reads nothing.
DIRECTED_STATUSES = POST_DECISION


def lead_implementer(proposal: Proposal):
    """The cadre leading the implementation (chủ trì), as the implementation stage says: None when the lead is an
    individual or an organisation outside the system, or none is assigned."""
    return implementation_selectors.lead_implementer(proposal)


def implementers(proposal: Proposal) -> list:
    """The cadres assigned to implement the proposal who have not refused (IMP-2), to be told of a direction."""
    return [
        assignment.person
        for assignment in Assignment.objects.filter(proposal=proposal, person__isnull=False)
        .exclude(answer=Assignment.Answer.REFUSED)
        .select_related("person")
        .order_by("-is_lead", "pk")
    ]


def approval_decision(proposal: Proposal) -> Decision | None:
    """The decision that let the proposal be implemented: an approval, or the head's override (Art. 8(1))."""
    return (
        Decision.objects.filter(proposal=proposal, kind__in=(Decision.Kind.APPROVAL, Decision.Kind.OVERRIDE))
        .select_related("unit")
        .order_by("-issued_on", "-pk")
        .first()
    )


def stop_report_due(direction: Direction, profile: LegalProfile) -> datetime.date:
    """CMP-4 [I]: the report on results so far is due the profile's working days after the stop takes effect."""
    return due_after(direction.effective_on, profile.stopped_report_deadline_wd)


def may_record_non_compliance(situation: Situation) -> bool:
    """IMP-6: the deciding unit's head, and an inspector whose subtree holds the proposal's unit, may record a
    failure to comply with a direction as an incident candidate (Art. 6(4)); nothing is sanctioned here."""
    try:
        rules.director(situation)
        return True
    except PermissionDenied:
        pass
    inspected = unit_paths_held(situation, Position.Role.INSPECTOR)
    return any(situation.proposal.unit.path.startswith(path) for path in inspected)


def proposal_annotations(*, user, held) -> dict:
    """`directions_exist`, read with the proposal page's own query (issue 10 §5): most proposals have none, and
    their panel then costs no query."""
    return {"directions_exist": Exists(Direction.objects.filter(proposal=OuterRef("pk")))}


def proposal_panel(situation: Situation) -> dict:
    """What `directions/partials/panel.html` shows: the directions issued, the suspension or stop in force, and
    the link to record non-compliance.

    Queries, whatever the number of directions: none before implementation starts; else the directions with signer and
    superior (1, none when the page's query tells there is none: `proposal_annotations`), the user's positions (1 for the deciding unit, shared with the actions' `who`, +1 for the
    inspector posts when not the head; none when the page read them: proposals.actions.page_situation).
    """
    proposal = situation.proposal
    if proposal.status not in DIRECTED_STATUSES:
        return {"active": False, "directions": []}
    directions = []
    if getattr(proposal, "directions_exist", True):
        directions = list(Direction.objects.filter(proposal=proposal).select_related("signer", "superior_unit"))
    for direction in directions:
        direction.changed_labels = [field_label(name) for name in direction.changed_fields]
    last_of = {direction.kind: direction for direction in directions}
    return {
        "active": True,
        "directions": directions,
        "suspension": last_of.get(Direction.Kind.SUSPEND) if proposal.status == Status.SUSPENDED else None,
        "stop": last_of.get(Direction.Kind.STOP),
        "may_record_non_compliance": may_record_non_compliance(situation),
    }
