"""Reads of the evaluation stage: the evaluation path, the completion report, the parties, the panel.

The completion report and the implementers belong to the `implementation` app, an earlier stage: they are read
only through `completion_report` and `implementers`, which look the models up by name and answer None / []
while that app has no such model (it is being built alongside; the stage works from the status alone).
"""

import dataclasses
import datetime
from typing import Any

from django.apps import apps
from django.db.models import OuterRef, Prefetch
from django.utils import timezone

from approvals.models import Decision
from approvals.selectors import MeetingRecord, meeting_fold, meeting_record
from core import folding
from core.models import AuditEvent
from implementation.selectors import evaluation_path  # EVL-6: one reading, shared with the step label
from proposals.models import LegalProfile, PlanVersion, Proposal, Step
from proposals.selectors import co_authors_of, plan_version
from proposals.transitions import Action, Status

from . import rules
from .models import (
    Conclusion,
    EncouragementRecord,
    EvaluationConsultation,
    EvaluationMeeting,
    EvaluationVote,
    Outcome,
    PartyKind,
    PartyType,
    ProtectionBasis,
    ProtectionRecord,
)

# Step kinds shared with the implementation app (a contract: after-approval "Deadlines").
EVALUATION_STEP = "evaluation"
CONCLUSION_STEP = "conclusion"

# The statuses of this stage: from the report received to the case closed.
EVALUATION_STATUSES = frozenset({
    Status.REPORTED, Status.EVALUATION_MEETING, Status.EVALUATION_HELD, Status.EVALUATED, Status.CLOSED,
})


# --- The completion report and the implementers (implementation app, when present) -------------------------------


@dataclasses.dataclass(frozen=True)
class ReportSummary:
    """What the evaluation reads of the completion report (CMP-1/2): its number and date, the implementer's own
    assessment and the damage declared. `outcome` is in this app's vocabulary (Outcome)."""

    number: str
    reported_on: datetime.date | None
    outcome: str
    outcome_label: str
    damage: bool
    damage_vnd: int | None
    damage_description: str
    results: str
    causes: str
    pdf_sha256: str


# The report's self-assessment in this app's words (the implementation app says "partly").
_REPORT_OUTCOME = {"completed": Outcome.COMPLETED, "partly": Outcome.PARTIAL, "partial": Outcome.PARTIAL,
                   "not_completed": Outcome.NOT_COMPLETED}


def _implementation_model(name: str):
    try:
        return apps.get_model("implementation", name)
    except LookupError:
        return None


# `report_row` not given: the caller has not read the completion report (None: it read that there is none).
UNREAD = object()


def completion_report(proposal: Proposal, report=UNREAD) -> ReportSummary | None:
    """The proposal's completion report, or None (none filed, or no implementation app yet). One query, none when
    the caller has read the report's row, or that there is none (`report`: the implementation panel did)."""
    model = _implementation_model("CompletionReport")
    if model is None:
        return None
    if report is UNREAD:
        report = model.objects.filter(proposal=proposal).order_by("-pk").first()
    if report is None:
        return None
    outcome = _REPORT_OUTCOME.get(getattr(report, "overall", ""), "")
    return ReportSummary(
        number=getattr(report, "number", ""),
        reported_on=getattr(report, "reported_on", None),
        outcome=outcome,
        outcome_label=str(Outcome(outcome).label) if outcome else "",
        damage=bool(getattr(report, "damage", False)),
        damage_vnd=getattr(report, "damage_amount", None),
        damage_description=getattr(report, "damage_description", ""),
        results=getattr(report, "results_summary", ""),
        causes=getattr(report, "causes", ""),
        pdf_sha256=getattr(report, "pdf_sha256", ""),
    )


@dataclasses.dataclass(frozen=True)
class Party:
    """Someone a protection or encouragement record is for (PRO-3, ENC-1)."""

    key: str
    kind: str
    type: str
    name: str
    title: str = ""
    person: Any = None

    @property
    def kind_label(self) -> str:
        return str(PartyKind(self.kind).label)

    @property
    def label(self) -> str:
        suffix = f", {self.title}" if self.title else ""
        return f"{self.name}{suffix} ({self.kind_label})"


def implementers(proposal: Proposal, assignments=None) -> list[Party]:
    """The implementers who did not refuse their task (implementation app's assignments), or []. One query, none
    when the caller has every assignment of the proposal, people joined (`assignments`)."""
    model = _implementation_model("Assignment")
    if model is None:
        return []
    if assignments is None:
        assignments = model.objects.filter(proposal=proposal).select_related("person")
    rows = sorted((row for row in assignments if row.answer != "refused"), key=lambda row: row.pk)
    parties = []
    for row in rows:
        person = getattr(row, "person", None)
        if person is not None:
            parties.append(Party(key=f"user:{person.pk}", kind=PartyKind.IMPLEMENTER, type=PartyType.INDIVIDUAL,
                                 name=person.get_full_name(), person=person))
        else:
            kind = PartyType.ORGANISATION if getattr(row, "kind", "") == "organisation" else PartyType.INDIVIDUAL
            parties.append(Party(key=f"implementer:{row.pk}", kind=PartyKind.IMPLEMENTER, type=kind,
                                 name=getattr(row, "name", "") or str(row)))
    return parties


def approval_decision(proposal: Proposal, decisions=None) -> Decision | None:
    """The approval or override decision of the version in force (the latest one otherwise). One query, none when
    the caller has every decision of the proposal, signers joined (`decisions`)."""
    if decisions is None:
        decisions = Decision.objects.filter(proposal=proposal).select_related("signer")
    approvals = sorted(
        (d for d in decisions if d.kind in (Decision.Kind.APPROVAL, Decision.Kind.OVERRIDE)),
        key=lambda d: (d.created_at, d.pk), reverse=True,
    )
    return next((d for d in approvals if d.version == proposal.approved_version), None) or next(iter(approvals), None)


def parties(proposal: Proposal, *, assignments=None, decisions=None) -> list[Party]:
    """Every party a protection or encouragement record may be for, each once, in this order: the proposer, the
    co-authors, the implementers, the approving unit and the head who approved (PRO-3, ENC-1). Three queries, one
    when the caller has the assignments and the decisions (`implementers`, `approval_decision`), none when it
    has the co-authors prefetched too (the proposal page)."""
    found: dict[str, Party] = {}

    def add(party: Party) -> None:
        found.setdefault(party.key, party)

    proposer = proposal.proposer
    add(Party(key=f"user:{proposer.pk}", kind=PartyKind.PROPOSER, type=PartyType.INDIVIDUAL,
              name=proposer.get_full_name(), title=proposal.proposer_position.title, person=proposer))
    for person in co_authors_of(proposal):
        add(Party(key=f"user:{person.pk}", kind=PartyKind.CO_AUTHOR, type=PartyType.INDIVIDUAL,
                  name=person.get_full_name(), person=person))
    for party in implementers(proposal, assignments):
        add(party)
    unit = proposal.decision_unit
    add(Party(key=f"unit:{unit.pk}", kind=PartyKind.APPROVING_UNIT, type=PartyType.ORGANISATION, name=unit.name))
    decision = approval_decision(proposal, decisions)
    if decision is not None:
        add(Party(key=f"user:{decision.signer_id}", kind=PartyKind.APPROVING_HEAD, type=PartyType.INDIVIDUAL,
                  name=decision.signer.get_full_name(), title=decision.signer_title, person=decision.signer))
    return list(found.values())


# --- Where the proposal stands ---------------------------------------------------------------------------------


def was_stopped(proposal: Proposal) -> bool:
    """Whether implementation was stopped (a STOP direction in the proposal's history, the audit log). One query."""
    return AuditEvent.objects.for_object(proposal).filter(action=Action.STOP).exists()


def report_received_on(proposal: Proposal, report: ReportSummary | None = None) -> datetime.date | None:
    """The day the unit received the completion report: the report's date, else the day of the REPORT transition."""
    if report is not None and report.reported_on:
        return report.reported_on
    event = AuditEvent.objects.for_object(proposal).filter(action=Action.REPORT).order_by("-seq").first()
    return timezone.localdate(event.occurred_at) if event else None


def plan_in_force(proposal: Proposal) -> PlanVersion | None:
    return plan_version(proposal, proposal.approved_version or proposal.current_version)


def meetings_with_votes():
    """Evaluation meetings with what a `MeetingRecord` reads: 4 queries for any number of meetings."""
    return EvaluationMeeting.objects.select_related("chair").prefetch_related(
        Prefetch("votes", queryset=EvaluationVote.objects.select_related("voter").order_by("cast_at", "pk")),
        "eligible_voters",
        "attendees",
    )


def last_closed_meeting(proposal: Proposal) -> EvaluationMeeting | None:
    return proposal.evaluation_meetings.filter(state=EvaluationMeeting.State.CLOSED).order_by("-closed_at").first()


@dataclasses.dataclass
class EvaluationFile:
    """What the panel shows and the actions' predicates read (`situation.facts["evaluation"]`)."""

    active: bool
    path: str = ""
    report: ReportSummary | None = None
    received_on: datetime.date | None = None
    consultation: EvaluationConsultation | None = None
    meeting_records: list[MeetingRecord] = dataclasses.field(default_factory=list)
    open_meeting: EvaluationMeeting | None = None
    steps: list[Step] = dataclasses.field(default_factory=list)
    conclusion: Conclusion | None = None
    protections: list[ProtectionRecord] = dataclasses.field(default_factory=list)
    encouragements: list[EncouragementRecord] = dataclasses.field(default_factory=list)

    @property
    def basis(self) -> str:
        return self.conclusion.protection_basis if self.conclusion else ""

    @property
    def basis_text(self) -> str:
        return str(rules.BASIS_TEXT[self.basis]) if self.conclusion else ""

    @property
    def allowed_measures(self) -> tuple[str, ...]:
        return rules.allowed_measures(self.basis) if self.conclusion else ()

    @property
    def protection_eligible(self) -> bool:
        return bool(self.allowed_measures)

    @property
    def encouragement_eligible(self) -> bool:
        return bool(self.conclusion) and rules.encouragement_eligible(self.conclusion.findings.values())

    @property
    def protection_settled(self) -> bool:
        """Recorded, declined ("không đề nghị"), or nothing the table allows."""
        c = self.conclusion
        return c is not None and (not self.protection_eligible or bool(self.protections) or c.protection_declined_at is not None)

    @property
    def encouragement_settled(self) -> bool:
        c = self.conclusion
        return c is not None and (
            not self.encouragement_eligible or bool(self.encouragements) or c.encouragement_declined_at is not None
        )


# The file's records, read with the proposal page's own query (`proposal_annotations`, issue 10 §5).
PAGE_FOLDS = {
    "evaluation_consultations": folding.Fold(EvaluationConsultation.objects.filter(proposal=OuterRef("pk")),
                                             related=("recorded_by",)),
    "evaluation_meetings": meeting_fold(EvaluationMeeting.objects.filter(proposal=OuterRef("pk")),
                                        EvaluationVote.objects.filter(meeting=OuterRef("pk"))),
    "evaluation_conclusions": folding.Fold(Conclusion.objects.filter(proposal=OuterRef("pk")), related=("signer", "meeting")),
    "evaluation_protections": folding.Fold(ProtectionRecord.objects.filter(proposal=OuterRef("pk")), related=("signer",)),
    "evaluation_encouragements": folding.Fold(EncouragementRecord.objects.filter(proposal=OuterRef("pk")),
                                              related=("signer",)),
}


def proposal_annotations(*, user, held) -> dict:
    return folding.annotations(PAGE_FOLDS)


def evaluation_file(proposal: Proposal, *, user=None, report_row=UNREAD) -> EvaluationFile:
    """Everything the evaluation stage recorded on `proposal`; nothing (and no query) before the report.

    Queries, by status: the completion report (1, when the implementation app has it, none when `report_row` is
    given, None included); consultation, meetings with votes, voters and attendees, conclusion, protection and
    encouragement records (none on the proposal page, whose query read them: `PAGE_FOLDS`; else 1); until
    concluded, open steps (1) and the REPORT event (1, only without a dated report); stopped? (1, while REPORTED).
    """
    if proposal.status not in EVALUATION_STATUSES:
        return EvaluationFile(active=False)
    status = proposal.status
    report = completion_report(proposal, report_row)
    file = EvaluationFile(active=True, report=report)
    read = folding.unfold(proposal, PAGE_FOLDS)
    file.consultation = next(iter(read["evaluation_consultations"]), None)
    meetings = read["evaluation_meetings"]
    file.meeting_records = [meeting_record(m, profile=proposal.profile) for m in meetings]
    file.open_meeting = next((m for m in meetings if m.state == EvaluationMeeting.State.OPEN), None)
    if status in (Status.REPORTED, Status.EVALUATION_MEETING, Status.EVALUATION_HELD):
        file.received_on = report_received_on(proposal, report)
        file.steps = list(
            Step.objects.open().filter(proposal=proposal, kind__in=(EVALUATION_STEP, CONCLUSION_STEP)).order_by("due_on")
        )
    if status == Status.REPORTED:
        file.path = evaluation_path(proposal, stopped=was_stopped(proposal))
    if status in (Status.EVALUATED, Status.CLOSED):
        file.conclusion = next(iter(read["evaluation_conclusions"]), None)
        if file.conclusion is not None:
            file.path = file.conclusion.path
            file.protections = read["evaluation_protections"]
            file.encouragements = read["evaluation_encouragements"]
    elif meetings:
        file.path = file.path or LegalProfile.EvaluationPath.MEETING
    return file


def situation_file(situation) -> EvaluationFile:
    """The evaluation file of the situation's proposal, loaded once per page (the panel loads it first), with the
    completion report the implementation panel read before it (`facts["report"]`), if it did."""
    return situation.memo(
        "evaluation", lambda: evaluation_file(situation.proposal, report_row=situation.facts.get("report", UNREAD))
    )


def proposal_panel(situation) -> dict:
    """What `evaluation/partials/panel.html` shows; also leaves the file in `situation.facts` for the predicates."""
    file = situation_file(situation)
    open_record = next((r for r in file.meeting_records if r.is_open), None)
    if open_record is not None:
        open_record.user_voted = any(p.pk == situation.user.pk for p in open_record.voted)
    return {
        "file": file,
        "head_rule": LegalProfile.DecisionPath.HEAD,
        "not_eligible": rules.NOT_ELIGIBLE,
        "basis_none": ProtectionBasis.NONE,
    }
