"""The implementation sections of the work inbox: what implementers have to do, what the employing unit has to set
up, and what the secretariat records on behalf of implementers outside the system.

Two queries whatever the number of rows (plus at most one calendar read per due-soon threshold).
"""

import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from proposals.inbox import InboxItem, InboxSection
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


def _implementer_items(user, badges: DueBadges) -> list[InboxItem]:
    """Query 1: the user's assignments not refused, with the open steps that are theirs."""
    rows = (
        Assignment.objects.filter(person=user, proposal__status__in=ASSIGNED_STATUSES)
        .exclude(answer=Assignment.Answer.REFUSED)
        .select_related("proposal__unit", "proposal__profile")
        .annotate(
            report_due=Subquery(_open_step(STEP_COMPLETION_REPORT, proposal_ref="proposal_id", person=user).values("due_on")[:1]),
            progress_due=Subquery(_open_step(STEP_PROGRESS_REPORT, proposal_ref="proposal_id", person=user).values("due_on")[:1]),
        )
        .order_by("assigned_at", "pk")
    )
    items = []
    for assignment in rows:
        proposal = assignment.proposal
        if assignment.answer == Assignment.Answer.PENDING:
            expected, due = ANSWER, None
        elif proposal.status == Status.IN_IMPLEMENTATION:
            expected, due = (PROGRESS_LEAD if assignment.is_lead else PROGRESS), assignment.progress_due
        elif proposal.status in REPORT_DUE_STATUSES and assignment.report_due is not None:
            expected, due = REPORT, assignment.report_due
        else:
            continue  # nothing to do now: approved and not started, suspended, or reported by the lead
        items.append(InboxItem(
            proposal, expected, anchor=PANEL, subtitle=f"{proposal.code} — {proposal.unit.name}",
            context=_("Chủ trì") if assignment.is_lead else _("Phối hợp"), due=due,
            due_state=badges.state(due=due, soon_wd=proposal.profile.due_soon_wd), target=assignment,
        ))
    return items


def _unit_rows(user, today: datetime.date):
    """Query 2: proposals of units where the user is head or secretariat today that wait for the unit: to set up
    and start, or an outside implementer's answer or report to record."""
    held = Position.objects.held_on(today).filter(person=user)
    units = held.filter(role__in=(Position.Role.HEAD, Position.Role.SECRETARIAT)).values("unit_id")
    outside_lead = Assignment.objects.filter(proposal=OuterRef("pk"), is_lead=True, person__isnull=True).exclude(
        answer=Assignment.Answer.REFUSED
    )
    pending_outside = Assignment.objects.filter(proposal=OuterRef("pk"), person__isnull=True, answer=Assignment.Answer.PENDING)
    lead = Assignment.objects.filter(proposal=OuterRef("pk"), is_lead=True).exclude(answer=Assignment.Answer.REFUSED)
    reported = CompletionReport.objects.filter(proposal=OuterRef("pk"))
    return (
        Proposal.objects.filter(decision_unit_id__in=units)
        .annotate(
            has_lead=Exists(lead), has_pending_outside=Exists(pending_outside),
            has_outside_lead=Exists(outside_lead), has_report=Exists(reported),
            secretariat=Exists(held.filter(role=Position.Role.SECRETARIAT, unit_id=OuterRef("decision_unit_id"))),
            report_due=Subquery(_open_step(STEP_COMPLETION_REPORT, proposal_ref="pk", person__isnull=True).values("due_on")[:1]),
        )
        .filter(
            Q(status=Status.APPROVED)
            | Q(status__in=ANSWERING, has_pending_outside=True)
            | Q(status__in=REPORT_DUE_STATUSES, has_outside_lead=True, has_report=False, secretariat=True)
        )
        .select_related("unit", "profile", "proposer")
        .order_by("created_at", "pk")
    )


def inbox_sections(*, user, today: datetime.date) -> list[InboxSection]:
    badges = DueBadges(today)
    to_set_up, on_behalf = [], []
    for proposal in _unit_rows(user, today):
        subtitle = f"{proposal.code} — {proposal.proposer.get_full_name()}"
        if proposal.status == Status.APPROVED:
            to_set_up.append(InboxItem(proposal, START if proposal.has_lead else SET_UP, anchor=PANEL,
                                       subtitle=subtitle, context=proposal.unit.name))
        if proposal.has_pending_outside and proposal.status in ANSWERING:
            on_behalf.append(InboxItem(proposal, OUTSIDE_ANSWER, anchor=PANEL, subtitle=subtitle, context=proposal.unit.name))
        if proposal.status in REPORT_DUE_STATUSES and proposal.has_outside_lead and not proposal.has_report and proposal.secretariat:
            on_behalf.append(InboxItem(
                proposal, OUTSIDE_REPORT, anchor=PANEL, subtitle=subtitle, context=proposal.unit.name,
                due=proposal.report_due, due_state=badges.state(due=proposal.report_due, soon_wd=proposal.profile.due_soon_wd),
            ))
    return [
        InboxSection(key="to_implement", heading=_("Đề xuất chờ bố trí triển khai"), anchor="cho-trien-khai", order=30,
                     items=to_set_up, context_label=_("Cơ quan, đơn vị"), show_status=False, shows_due=False),
        InboxSection(key="implementation_tasks", heading=_("Việc triển khai được giao"), anchor="trien-khai-duoc-giao",
                     order=40, items=_implementer_items(user, badges), context_label=_("Vai trò")),
        InboxSection(key="implementation_on_behalf", heading=_("Việc ghi nhận thay cá nhân, tổ chức thực hiện"),
                     anchor="ghi-nhan-thay", order=50, items=on_behalf, context_label=_("Cơ quan, đơn vị")),
    ]
