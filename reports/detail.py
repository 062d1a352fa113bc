"""The annual report's detail sheet: one row per proposal received in the period (spec reports.md "Detail sheet").

Columns, in the spec's order: code, title, unit, proposer (name, position, Art. 2 category), route, field, received
date, review due, meeting date and on-time flag, tally (for / against / abstain / denominator), tie applied, basis
(collective / override), decision number and date, implementation period, resources, status, report date and
on-time flag, evaluation date and on-time flag, outcome, damage, the three findings, protection measures,
encouragements, incident count.

Memory stays flat whatever the number of proposals: they are read in keyset chunks on (received_on, pk), and each
chunk's related facts with one query per kind for the whole chunk, never one per proposal. Values are str, int,
`datetime.date` or None; the exporters format them (dates dd/mm/yyyy, money with thousands).

"On time" is measured as the data table measures it (reports.figures): the review meeting against the proposal's
review due date (Art. 8(1), 07 working days), the completion report and the evaluation against the due date of the
proposal's latest step of that kind (Art. 18: 05 and 07 working days); no step recorded counts as on time.
"""

import datetime
from collections.abc import Iterator

from django.db.models import BooleanField, Count, F, Func, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Position
from approvals.models import Decision, Meeting
from evaluation.models import (
    Conclusion,
    EncouragementForm,
    EncouragementRecord,
    EvaluationMeeting,
    Measure,
    Outcome,
    ProtectionRecord,
)
from implementation.models import CompletionReport, Implementation, Resource
from implementation.services import STEP_COMPLETION_REPORT, STEP_EVALUATION
from incidents.models import Incident
from proposals.models import FieldOfWork, Proposal, Step
from proposals.transitions import Status

from .periods import Period

DETAIL_COLUMNS: list[tuple[str, object]] = [
    ("code", _("Mã hồ sơ")),
    ("title", _("Tên đề xuất")),
    ("unit", _("Cơ quan sử dụng cán bộ")),
    ("proposer", _("Cán bộ đề xuất")),
    ("proposer_title", _("Chức vụ khi đề xuất")),
    ("proposer_category", _("Đối tượng (Điều 2)")),
    ("route", _("Tuyến trình (Điều 7)")),
    ("field", _("Lĩnh vực")),
    ("received_on", _("Ngày nhận kế hoạch")),
    ("review_due", _("Hạn họp xem xét")),
    ("returns", _("Số lần trả lại để bổ sung, làm rõ")),  # D-8: returns shown in the reports
    ("meeting_on", _("Ngày họp tập thể lãnh đạo")),
    ("meeting_on_time", _("Họp trong hạn 07 ngày làm việc")),
    ("votes_for", _("Số phiếu tán thành")),
    ("votes_against", _("Số phiếu không tán thành")),
    ("votes_abstain", _("Số không biểu quyết")),
    ("denominator", _("Mẫu số tính tỷ lệ")),
    ("tie_applied", _("Ngang nhau, theo ý kiến người đứng đầu")),
    ("basis", _("Căn cứ quyết định")),
    ("decision_number", _("Số văn bản quyết định")),
    ("decision_on", _("Ngày ban hành quyết định")),
    ("started_on", _("Ngày bắt đầu triển khai")),
    ("completed_on", _("Ngày hoàn thành thực hiện")),
    ("funds", _("Kinh phí bố trí (VNĐ)")),
    ("people", _("Nhân lực (lượt bố trí)")),
    ("equipment", _("Trang thiết bị, cơ sở vật chất (lượt bố trí)")),
    ("status", _("Trạng thái (khi lập báo cáo)")),
    ("report_on", _("Ngày báo cáo kết quả")),
    ("report_on_time", _("Báo cáo trong hạn 05 ngày làm việc")),
    ("evaluated_on", _("Ngày đánh giá kết quả")),
    ("evaluation_on_time", _("Đánh giá trong hạn 07 ngày làm việc")),
    ("outcome", _("Kết quả thực hiện")),
    ("damage", _("Có thiệt hại")),
    ("damage_vnd", _("Giá trị thiệt hại ước tính (VNĐ)")),
    ("right_policy", _("Đúng chủ trương")),
    ("pure_motive", _("Động cơ trong sáng")),
    ("common_good", _("Vì lợi ích chung")),
    ("protection", _("Biện pháp bảo vệ đã đề nghị")),
    ("encouragement", _("Hình thức khuyến khích")),
    ("incidents", _("Số phản ánh hành vi bị nghiêm cấm (Điều 6)")),
]
# How the exporters write each column: dates as dates, money with thousands, and the cells holding text a user
# typed (titles, names, positions, numbers, party names), which are neutralised against formula injection.
DATE_KEYS = frozenset({
    "received_on", "review_due", "meeting_on", "decision_on", "started_on", "completed_on", "report_on", "evaluated_on",
})
MONEY_KEYS = frozenset({"funds", "damage_vnd"})
USER_TEXT_KEYS = frozenset({
    "code", "title", "unit", "proposer", "proposer_title", "decision_number", "protection", "encouragement",
})

# The decision that ended the review: approval, override, rejection, or the referral upward (Art. 4(2), D-5).
FINAL_KINDS = (Decision.Kind.APPROVAL, Decision.Kind.OVERRIDE, Decision.Kind.REJECTION, Decision.Kind.REFERRAL)
NO_CONCLUSION = (None,) * 7


def _labels() -> dict[str, dict]:
    """Every coded value's text, evaluated once per export (in the language active then: Vietnamese)."""
    return {
        "route": {Proposal.Route.A: str(_("Khoản 3 Điều 7")), Proposal.Route.B: str(_("Khoản 4 Điều 7"))},
        "field": {value: str(label) for value, label in FieldOfWork.choices},
        "category": {value: str(label) for value, label in Position.Category.choices},
        "status": {value: str(label) for value, label in Status.choices},
        "basis": {
            Decision.Kind.APPROVAL: str(_("Tập thể thông qua")),
            Decision.Kind.OVERRIDE: str(_("Người đứng đầu quyết định khi tập thể không thông qua")),
            Decision.Kind.REJECTION: str(_("Không chấp thuận")),
            Decision.Kind.REFERRAL: str(_("Vượt thẩm quyền, báo cáo cấp có thẩm quyền")),
        },
        "outcome": {value: str(label) for value, label in Outcome.choices},
        "measure": {value: str(label) for value, label in Measure.choices},
        "form": {value: str(label) for value, label in EncouragementForm.choices},
        "yes_no": {True: str(_("Có")), False: str(_("Không"))},
        "on_time": {True: str(_("Trong hạn")), False: str(_("Quá hạn"))},
    }


def _scope(root: OrgUnit, period: Period):
    return Proposal.objects.filter(unit__path__startswith=root.path, received_on__range=period.range())


# The proposal's own columns. Its other facts come in a query per kind: joined here, the one-to-one ones (the
# implementation, the completion report, the closed evaluation meeting, the conclusion) would cost PostgreSQL more to
# plan, at every chunk, than their own queries cost to run.
PROPOSAL_FIELDS = (
    "pk", "code", "title", "unit__name", "proposer_name", "proposer_position__title", "proposer_position__category",
    "route", "field", "received_on", "review_due", "returns_count", "status",
)
RECEIVED_ON = PROPOSAL_FIELDS.index("received_on")


def _chunks(root: OrgUnit, period: Period, chunk: int) -> Iterator[list[tuple]]:
    """The period's proposals of `root`'s subtree in (received_on, pk) order, `chunk` at a time (keyset paging)."""
    proposals = (
        _scope(root, period)
        .annotate(proposer_name=Coalesce(NullIf(F("proposer__full_name"), Value("")), F("proposer__username")))
        .order_by("received_on", "pk")
        .values_list(*PROPOSAL_FIELDS)
    )
    after = None
    while True:
        page = proposals
        if after is not None:
            # received_on >= d first: a range the received_on index serves; then the tie on the same day.
            page = page.filter(received_on__gte=after[0]).filter(Q(received_on__gt=after[0]) | Q(pk__gt=after[1]))
        rows = list(page[:chunk])
        if rows:
            yield rows
        if len(rows) < chunk:
            return
        after = (rows[-1][RECEIVED_ON], rows[-1][0])


class _Among(Func):
    """`column` is one of `ids`, the ids given as one parameter. PostgreSQL reads an array (`= ANY`) and looks each
    id up in the column's index; an IN list of a chunk's ids would cost more to convert and parse than to run, and a
    join on the chunk's conditions instead would have it scan the whole table of facts at every chunk. The array's
    text is made once per chunk, for all its queries (the driver's own conversion of a list costs more)."""

    output_field = BooleanField()

    def __init__(self, column, ids: list[int]):
        super().__init__(column)
        self.ids = ids
        self.array = "{" + ",".join(map(str, ids)) + "}"

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s::bigint[])", [*params, self.array]


def _last_by_proposal(queryset, *fields) -> dict:
    """{proposal id: the last row's `fields`} over a queryset ordered by proposal then time."""
    return {row[0]: row[1:] for row in queryset.values_list("proposal_id", *fields)}


def _listed(queryset, label_field: str, labels: dict) -> dict[int, str]:
    """{proposal id: "party: label; party: label"} in the order the records were made."""
    found: dict[int, list[str]] = {}
    for proposal_id, party, code in queryset.order_by("proposal_id", "created_at", "pk").values_list(
        "proposal_id", "party_name", label_field,
    ):
        found.setdefault(proposal_id, []).append(f"{party}: {labels[code]}")
    return {proposal_id: "; ".join(items) for proposal_id, items in found.items()}


def detail_rows(root: OrgUnit, period: Period, *, chunk: int = 2000) -> Iterator[list]:
    """One row per proposal of `root`'s subtree received in `period`, ordered by (received_on, pk), in the order of
    DETAIL_COLUMNS. Per chunk: the proposals' query, then one query per kind of related fact for all of them
    (implementation, completion report, evaluation meeting, conclusion, review meetings, decisions, resources, steps,
    protection, encouragement, incidents): twelve queries per `chunk` proposals."""
    labels = _labels()
    route, field, category, status = labels["route"], labels["field"], labels["category"], labels["status"]
    basis, outcome, yes_no, on_time = labels["basis"], labels["outcome"], labels["yes_no"], labels["on_time"]
    for rows in _chunks(root, period, chunk):
        of_chunk = _Among(F("proposal_id"), [row[0] for row in rows])
        implementations = _last_by_proposal(Implementation.objects.filter(of_chunk), "started_on", "completed_on")
        reports = _last_by_proposal(CompletionReport.objects.filter(of_chunk), "reported_on")
        evaluation_meetings = _last_by_proposal(
            EvaluationMeeting.objects.filter(of_chunk, state=EvaluationMeeting.State.CLOSED), "held_on",
        )
        conclusions = _last_by_proposal(
            Conclusion.objects.filter(of_chunk),
            "issued_on", "outcome", "damage", "damage_vnd", "right_policy", "pure_motive", "common_good",
        )
        meetings = _last_by_proposal(
            Meeting.objects.filter(of_chunk, state=Meeting.State.CLOSED).order_by("proposal_id", "held_on", "pk"),
            "held_on", "votes_for", "votes_against", "votes_abstain", "denominator", "tie_break_applied",
        )
        decisions = _last_by_proposal(
            Decision.objects.filter(of_chunk, kind__in=FINAL_KINDS).order_by("proposal_id", "issued_on", "pk"),
            "kind", "number", "issued_on",
        )
        resources = _last_by_proposal(
            Resource.objects.filter(of_chunk).values("proposal_id").order_by("proposal_id").annotate(
                funds=Sum("amount", filter=Q(kind=Resource.Kind.FUNDS)),
                people=Count("pk", filter=Q(kind=Resource.Kind.PEOPLE)),
                equipment=Count("pk", filter=Q(kind__in=[Resource.Kind.EQUIPMENT, Resource.Kind.FACILITIES])),
            ),
            "funds", "people", "equipment",
        )
        due = {
            (proposal_id, kind): due_on
            for proposal_id, kind, due_on in Step.objects.filter(
                of_chunk, kind__in=[STEP_COMPLETION_REPORT, STEP_EVALUATION],
            ).order_by("proposal_id", "kind", "opened_at", "pk").values_list("proposal_id", "kind", "due_on")
        }
        protection = _listed(ProtectionRecord.objects.filter(of_chunk), "measure", labels["measure"])
        encouragement = _listed(EncouragementRecord.objects.filter(of_chunk), "form", labels["form"])
        incidents = dict(
            Incident.objects.filter(of_chunk).values("proposal_id").order_by("proposal_id")
            .annotate(count=Count("pk")).values_list("proposal_id", "count")
        )
        for (
            pk, code, title, unit, proposer, position_title, position_category, route_code, field_code, received_on,
            review_due, returns, status_code,
        ) in rows:
            meeting = meetings.get(pk)
            decision = decisions.get(pk)
            started_on, completed_on = implementations.get(pk, (None, None))
            report_on = reports.get(pk, (None,))[0]
            concluded_on, outcome_code, damage, damage_vnd, right_policy, pure_motive, common_good = conclusions.get(
                pk, NO_CONCLUSION,
            )
            evaluated_on = evaluation_meetings.get(pk, (concluded_on,))[0]
            yield [
                code, title, unit, proposer, position_title or None, category.get(position_category),
                route.get(route_code), field.get(field_code), received_on, review_due, returns,
                *_meeting_cells(meeting, review_due, yes_no, on_time),
                *((basis[decision[0]], decision[1], decision[2]) if decision else (None, None, None)),
                started_on, completed_on,
                *resources.get(pk, (None, None, None)),
                status.get(status_code),
                report_on, _on_time(report_on, due.get((pk, STEP_COMPLETION_REPORT)), on_time),
                evaluated_on, _on_time(evaluated_on, due.get((pk, STEP_EVALUATION)), on_time),
                outcome.get(outcome_code),
                yes_no.get(damage), damage_vnd,
                yes_no.get(right_policy), yes_no.get(pure_motive), yes_no.get(common_good),
                protection.get(pk), encouragement.get(pk), incidents.get(pk, 0),
            ]


def _meeting_cells(meeting, review_due, yes_no, on_time) -> tuple:
    """Meeting date, on time (Art. 8(1)), for, against, abstain, denominator, tie applied; empty without a meeting."""
    if meeting is None:
        return (None,) * 7
    held_on, votes_for, votes_against, votes_abstain, denominator, tie = meeting
    return (
        held_on, _on_time(held_on, review_due, on_time), votes_for, votes_against, votes_abstain, denominator,
        yes_no[tie],
    )


def _on_time(done_on: datetime.date | None, due_on: datetime.date | None, on_time: dict) -> str | None:
    """Done by the due date, or with no due date recorded (as reports.figures counts it); nothing when not done."""
    if done_on is None:
        return None
    return on_time[due_on is None or done_on <= due_on]

