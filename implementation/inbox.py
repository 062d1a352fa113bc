"""The implementation sections of the work inbox: what implementers have to do, what the employing unit has to set
up, and what the secretariat records on behalf of implementers outside the system.

A query per section whatever the number of rows (plus at most one calendar read per due-soon threshold).
"""

import datetime
import functools

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from core.paging import Key
from proposals.inbox import InboxItem, InboxSection, only_shown, units_held
from proposals.models import Proposal, Step
from proposals.selectors import DueBadges
from proposals.transitions import Status

from .actions import PANEL
from .models import Assignment, CompletionReport
from .services import ANSWERING, STEP_COMPLETION_REPORT, STEP_PROGRESS_REPORT

ANSWER = _("Xác nhận nhận nhiệm vụ, hoặc từ chối (nêu lý do)")
PROGRESS = _("Cập nhật tiến độ thực hiện")
PROGRESS_LEAD = _("Cập nhật tiến độ thực hiện; xác nhận hoàn thành khi kết thúc")
REPORT = _("Nộp báo cáo kết quả thực hiện (Điều 18)")
SET_UP = _("Bố trí nguồn lực, phân công người thực hiện và người chủ trì")
START = _("Bắt đầu triển khai thực hiện (đã có người chủ trì)")
OUTSIDE_ANSWER = _("Ghi nhận trả lời phân công của cá nhân, tổ chức ngoài cơ quan")
OUTSIDE_REPORT = _("Nộp báo cáo kết quả thay cá nhân, tổ chức chủ trì thực hiện")

# Where an implementer still has something to do.
ASSIGNED_STATUSES = (Status.APPROVED, Status.IN_IMPLEMENTATION, Status.SUSPENDED, Status.COMPLETED, Status.STOPPED)
REPORT_DUE_STATUSES = (Status.COMPLETED, Status.STOPPED)


def _open_step(kind: str, *, proposal_ref: str, **filters):
    """The open step `kind` of the outer row's proposal (`proposal_ref`: the outer field holding its id)."""
    return Step.objects.open().filter(proposal=OuterRef(proposal_ref), kind=kind, **filters)


def _implementer_rows(user) -> QuerySet[Assignment]:
    """The user's assignments not refused with something to do now: an answer, progress to record, or the report
    (with their open steps); not one approved and not started, suspended, or whose report the lead files."""
    return (
        only_shown(
            Assignment.objects.filter(person=user, proposal__status__in=ASSIGNED_STATUSES)
            .exclude(answer=Assignment.Answer.REFUSED),
            "answer", "is_lead", "assigned_at", through="proposal__",
        )
        .annotate(
            report_due=Subquery(_open_step(STEP_COMPLETION_REPORT, proposal_ref="proposal_id", person=user).values("due_on")[:1]),
            progress_due=Subquery(_open_step(STEP_PROGRESS_REPORT, proposal_ref="proposal_id", person=user).values("due_on")[:1]),
        )
        .filter(
            Q(answer=Assignment.Answer.PENDING)
            | Q(proposal__status=Status.IN_IMPLEMENTATION)
            | Q(proposal__status__in=REPORT_DUE_STATUSES, report_due__isnull=False)
        )
    )


def _implementer_item(assignment: Assignment, badges: DueBadges) -> InboxItem:
    proposal = assignment.proposal
    if assignment.answer == Assignment.Answer.PENDING:
        expected, due = ANSWER, None
    elif proposal.status == Status.IN_IMPLEMENTATION:
        expected, due = (PROGRESS_LEAD if assignment.is_lead else PROGRESS), assignment.progress_due
    else:
        expected, due = REPORT, assignment.report_due
    return InboxItem(
        proposal, expected, anchor=PANEL, subtitle=f"{proposal.code} — {proposal.unit.name}",
        context=_("Chủ trì") if assignment.is_lead else _("Phối hợp"), due=due,
        due_state=badges.state(due=due, soon_wd=proposal.profile.due_soon_wd), target=assignment,
    )


def _on_behalf_item(proposal: Proposal, badges: DueBadges) -> InboxItem:
    subtitle = f"{proposal.code} — {proposal.proposer.get_full_name()}"
    if proposal.status in ANSWERING:
        return InboxItem(proposal, OUTSIDE_ANSWER, anchor=PANEL, subtitle=subtitle, context=proposal.unit.name)
    return InboxItem(
        proposal, OUTSIDE_REPORT, anchor=PANEL, subtitle=subtitle, context=proposal.unit.name, due=proposal.report_due,
        due_state=badges.state(due=proposal.report_due, soon_wd=proposal.profile.due_soon_wd),
    )


def _set_up_item(proposal: Proposal) -> InboxItem:
    return InboxItem(proposal, START if proposal.has_lead else SET_UP, anchor=PANEL,
                     subtitle=f"{proposal.code} — {proposal.proposer.get_full_name()}", context=proposal.unit.name)


def _lead() -> QuerySet[Assignment]:
    """The proposal's (OuterRef) lead implementer, unless they refused."""
    return Assignment.objects.filter(proposal=OuterRef("pk"), is_lead=True).exclude(answer=Assignment.Answer.REFUSED)


def inbox_sections(*, user, today: datetime.date, held=None) -> list[InboxSection]:
    """A query each, plus at most one calendar read per due-soon threshold:

    1. approved proposals of the units where the user is head or secretariat today, to set up and start;
    2. the user's assignments with something to do;
    3. proposals of those units with an outside implementer's answer or report to record on their behalf (the
       report by the secretariat only: the head receives it).
    """
    badges = DueBadges(today)
    units = units_held(user=user, today=today, roles=(Position.Role.HEAD, Position.Role.SECRETARIAT), held=held)

    def unit_rows() -> QuerySet[Proposal]:
        return only_shown(Proposal.objects.filter(decision_unit_id__in=units))

    def to_implement() -> QuerySet[Proposal]:
        # Whether the proposal has its lead, as a scalar subquery rather than EXISTS: PostgreSQL may hash an EXISTS,
        # reading every assignment of the province to answer it for a page of ten rows; this probes
        # assignment_one_lead per row.
        has_lead = Coalesce(Subquery(_lead().values("is_lead")[:1]), Value(False))
        return unit_rows().filter(status=Status.APPROVED).annotate(has_lead=has_lead)

    def on_behalf() -> QuerySet[Proposal]:
        outside = Assignment.objects.filter(proposal=OuterRef("pk"), person__isnull=True)
        pending_outside = outside.filter(answer=Assignment.Answer.PENDING)
        secretariat = Position.objects.held_on(today).filter(person=user, role=Position.Role.SECRETARIAT,
                                                             unit_id=OuterRef("decision_unit_id"))
        reported = CompletionReport.objects.filter(proposal=OuterRef("pk"))
        # What both branches of the OR require, once more outside it: their statuses and an implementer outside the
        # system. PostgreSQL then starts from the few outside assignments (or the units' rows of those statuses)
        # instead of walking every proposal in the section's order and testing the OR of EXISTS on each (issue 10:
        # 140-950 ms at 200,000 proposals, 0.3 ms so).
        return unit_rows().filter(Exists(outside), status__in=(*ANSWERING, *REPORT_DUE_STATUSES)).filter(
            Q(Exists(pending_outside), status__in=ANSWERING)
            | Q(Exists(_lead().filter(person__isnull=True)), ~Exists(reported), Exists(secretariat),
                status__in=REPORT_DUE_STATUSES)
        ).annotate(
            report_due=Subquery(_open_step(STEP_COMPLETION_REPORT, proposal_ref="pk", person__isnull=True).values("due_on")[:1]),
        )

    oldest_first = [Key("created_at"), Key("pk")]
    return [
        InboxSection(key="to_implement", heading=_("Đề xuất chờ bố trí triển khai"), anchor="cho-trien-khai", order=30,
                     query=to_implement, keys=oldest_first,
                     item=_set_up_item, context_label=_("Cơ quan, đơn vị"), show_status=False, shows_due=False),
        InboxSection(key="implementation_tasks", heading=_("Việc triển khai được giao"), anchor="trien-khai-duoc-giao",
                     order=40, query=lambda: _implementer_rows(user), keys=[Key("assigned_at"), Key("pk")],
                     item=functools.partial(_implementer_item, badges=badges), context_label=_("Vai trò")),
        InboxSection(key="implementation_on_behalf", heading=_("Việc ghi nhận thay cá nhân, tổ chức thực hiện"),
                     anchor="ghi-nhan-thay", order=50, query=on_behalf, keys=oldest_first,
                     item=functools.partial(_on_behalf_item, badges=badges), context_label=_("Cơ quan, đơn vị")),
    ]
