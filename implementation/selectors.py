"""Reads of the implementation stage: who leads, what plan is in force, what the panel shows.

Public contract (other stage apps rely on it): `lead_implementer(proposal)`.
"""

import re

from django.db.models import OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import people_in_subtree
from approvals.models import Decision
from core import folding
from proposals.models import LegalProfile, PlanVersion, Proposal, Step
from proposals.selectors import DueBadges, plan_version
from proposals.transitions import IMPLEMENTING, POST_DECISION, Status

from . import rules
from .models import (
    PLAN_ORDER,
    Assignment,
    CompletionReport,
    Implementation,
    ProgressEntry,
    ReportEvidence,
    ReportResult,
    Resource,
    Target,
)

# A leading bullet or list number the author typed ("- ", "• ", "1. ", "2) "): not part of the target's text.
# Only when followed by a space, so that "1.5 triệu lượt" or "-5 %" keep their numbers.
_BULLET = re.compile(r"^(?:[-–—•*+]|\d{1,3}[.)])\s+")


# Approved, and every status after it: the panel has something to show.
DECIDED = frozenset({Status.APPROVED, *POST_DECISION})
# Where the completion report has been filed (Action.REPORT leads to REPORTED, and evaluation goes on from there).
REPORT_FILED = DECIDED - {Status.APPROVED, Status.IN_IMPLEMENTATION, Status.SUSPENDED, Status.STOPPED, Status.COMPLETED}


def plan_lines(text: str) -> list[str]:
    """One target per non-empty line of a plan's text (IMP-3), bullets left out, spaces folded."""
    lines = (" ".join(_BULLET.sub("", line.strip()).split()) for line in (text or "").splitlines())
    return [line for line in lines if line]


def lead_implementer(proposal: Proposal) -> User | None:
    """The lead cadre (chủ trì) of the proposal who has not refused; None when the lead is an individual or an
    organisation outside the system, or when no lead is assigned. Used by directions (the "completion_report"
    step opened on a stop is the lead's)."""
    lead = (
        Assignment.objects.filter(proposal=proposal, is_lead=True)
        .exclude(answer=Assignment.Answer.REFUSED)
        .select_related("person")
        .first()
    )
    return lead.person if lead is not None else None


def implementer_scope_q(user) -> Q:
    """The proposals `user` is assigned to implement (any answer): the stage's `scope`, so that an implementer
    outside the deciding roles sees the proposal they must act on (proposals.scope)."""
    return Q(pk__any_of=Assignment.objects.filter(person=user).values("proposal_id"))


def lead_assignment(proposal: Proposal) -> Assignment | None:
    return rules.lead_of(list(Assignment.objects.filter(proposal=proposal, is_lead=True).select_related("person")))


def plan_in_force(proposal: Proposal) -> PlanVersion | None:
    """The approved version in force (after an adjustment, the newest approved one)."""
    return plan_version(proposal, proposal.approved_version)


def approval_decision(proposal: Proposal) -> Decision | None:
    """The approval or override decision of the version in force; the latest one when the version in force came
    from an adjustment decided elsewhere (directions)."""
    decisions = Decision.objects.filter(
        proposal=proposal, kind__in=(Decision.Kind.APPROVAL, Decision.Kind.OVERRIDE)
    ).order_by("-created_at", "-pk")
    return decisions.filter(version=proposal.approved_version).first() or decisions.first()


def evaluation_path(proposal: Proposal, *, stopped: bool) -> str:
    """EVL-6 [U]: a meeting of the collective, or a conclusion of the head without one.

    A stopped proposal follows the profile's `stopped_evaluation`; a head's own proposal (route B) its
    `route_b_evaluation`; every other one the meeting of Art. 18.
    """
    profile = proposal.profile
    if stopped:
        return profile.stopped_evaluation
    if proposal.route == Proposal.Route.B:
        return profile.route_b_evaluation
    return LegalProfile.EvaluationPath.MEETING


def cadre_candidates(*, proposal: Proposal, today=None) -> QuerySet[User]:
    """The people holding a position today in the deciding unit or below it: who may be assigned as a cadre."""
    today = today or timezone.localdate()
    return people_in_subtree(paths=[proposal.decision_unit.path], on_date=today).order_by("full_name", "pk")


def active_targets(proposal: Proposal) -> QuerySet[Target]:
    return Target.objects.filter(proposal=proposal, retired_at__isnull=True).order_by(*PLAN_ORDER)


def report_with_details() -> QuerySet[CompletionReport]:
    return CompletionReport.objects.select_related("implementer", "filed_by").prefetch_related(
        Prefetch("results", queryset=ReportResult.objects.order_by(*PLAN_ORDER)), "evidence",
    )


def incident_url(proposal: Proposal) -> str:
    """Where a refusal is reported as an incident (Art. 6(4), IMP-6): the incidents app's form, pre-filled."""
    return f"{reverse('incidents:report')}?de_xuat={proposal.pk}&loai=refusal"


def _of_proposal(model, **filters) -> QuerySet:
    return model.objects.filter(proposal=OuterRef("pk"), **filters)


# The panel's records, read with the proposal page's own query (`proposal_annotations`, issue 10 §5).
PAGE_FOLDS = {
    "implementation_resources": folding.Fold(_of_proposal(Resource), related=("decision", "recorded_by")),
    "implementation_assignments": folding.Fold(_of_proposal(Assignment), related=("person",)),
    "implementation_runs": folding.Fold(_of_proposal(Implementation)),
    "implementation_targets": folding.Fold(_of_proposal(Target, retired_at__isnull=True).order_by(*PLAN_ORDER), many={
        "entries": folding.Fold(ProgressEntry.objects.filter(target=OuterRef("pk")), related=("recorded_by",)),
    }),
    "implementation_reports": folding.Fold(_of_proposal(CompletionReport), related=("implementer", "filed_by"), many={
        "results": folding.Fold(ReportResult.objects.filter(report=OuterRef("pk")).order_by(*PLAN_ORDER)),
        "evidence": folding.Fold(ReportEvidence.objects.filter(report=OuterRef("pk"))),
    }),
}


def proposal_annotations(*, user, held) -> dict:
    return folding.annotations(PAGE_FOLDS)


def proposal_panel(situation) -> dict:
    """What `implementation/partials/panel.html` shows: resources, implementers, targets with progress, the report.

    Nothing is read before the decision. After it: resources with their decision, assignments with people, the run
    of implementation, the targets with their progress entries and the report with its results and evidence, all
    with the page's query of the proposal (`PAGE_FOLDS`; one query when the proposal came without them); while the
    report is due, its open step (1). Each is shown only where it can exist. It leaves in `situation.facts` what the
    actions' predicates read: the assignments, the active targets and the report.
    """
    proposal = situation.proposal
    if proposal.status not in DECIDED:
        return {"started": False, "decided": False}
    status = proposal.status
    read = folding.unfold(proposal, PAGE_FOLDS)
    resources = read["implementation_resources"]
    assignments = situation.memo("assignments", lambda: read["implementation_assignments"])
    implementation, targets, report = None, [], None
    if status != Status.APPROVED:  # the run of implementation and its targets exist from the start on
        implementation = next(iter(read["implementation_runs"]), None)
        targets = read["implementation_targets"]
    situation.facts["targets"] = targets
    if status in REPORT_FILED:
        report = next(iter(read["implementation_reports"]), None)
    situation.facts["report"] = report
    plan_end = overdue_end = None
    if status in IMPLEMENTING:
        plan = plan_in_force(proposal)
        plan_end = plan.end_date if plan else None
        overdue_end = bool(plan_end and situation.today > plan_end)
    report_step = None
    if status in (Status.COMPLETED, Status.STOPPED):
        report_step = Step.objects.open().filter(proposal=proposal, kind="completion_report").first()
    funds = [r.amount for r in resources if r.kind == Resource.Kind.FUNDS and r.amount is not None]
    own = rules.own_assignment(situation)
    return {
        "decided": True,
        "started": implementation is not None,
        "implementation": implementation,
        "resources": resources,
        "funds_total": sum(funds) if funds else None,
        "assignments": assignments,
        "lead": rules.lead_of(assignments),
        "own_assignment": own,
        "targets": targets,
        "milestones": [t for t in targets if t.kind == Target.Kind.MILESTONE],
        "indicators": [t for t in targets if t.kind == Target.Kind.INDICATOR],
        "report": report,
        "report_step": report_step,
        "report_due_state": DueBadges(situation.today).state(
            due=report_step.due_on, soon_wd=proposal.profile.due_soon_wd) if report_step else None,
        "plan_end": plan_end,
        "overdue_end": overdue_end,
        "suspended": proposal.status == Status.SUSPENDED,
        "incident_url": incident_url(proposal),
    }
