"""The annual report's data table: the 18 columns of spec reports.md, one row per unit plus a total.

Rows: the reporting unit's own proposals, then one row per unit directly under it (that unit and everything
below it), so that the rows add up to the total and a province's table stays a page long. Every figure is
attributed to the proposal's employing unit (`Proposal.unit`), or to the unit of an incident, a supervision or a
register entry, and counted in the period by the date the spec names (received, held, issued, reported). Each
metric is one GROUP BY over the period's rows, folded into rows by materialised path: the cost grows with the
period's records, never with a query per unit.
"""

import dataclasses
import datetime
from collections import defaultdict

from django.db.models import CharField, Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Position
from approvals.models import Consultation, Decision, Meeting
from core.models import AuditEvent
from directions.models import Direction
from evaluation.models import (
    Conclusion,
    EncouragementForm,
    EncouragementRecord,
    EvaluationConsultation,
    EvaluationMeeting,
    Measure,
    Outcome,
    PartyKind,
    ProtectionBasis,
    ProtectionRecord,
)
from implementation.models import CompletionReport, Implementation, Resource
from implementation.services import STEP_COMPLETION_REPORT, STEP_EVALUATION
from incidents.models import Incident, RegisterEntry, SupervisionRecord
from proposals.models import Proposal, Step
from proposals.transitions import Status

from .periods import Period


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    group: int  # the column's number in the spec's table (1–18)
    title: object  # the sub-column's title (lazy)
    money: bool = False


GROUP_TITLES = {
    1: _("Sáng kiến, giải pháp, cách làm đột phá được đăng ký"),
    2: _("Kế hoạch đề xuất đã tiếp nhận"),
    3: _("Đã xin ý kiến cấp ủy trước khi phê duyệt"),
    4: _("Đã họp tập thể lãnh đạo"),
    5: _("Tập thể thông qua (trên 50%)"),
    6: _("Người đứng đầu quyết định khi tập thể không thông qua"),
    7: _("Không chấp thuận; trả lại để bổ sung, làm rõ"),
    8: _("Tình hình thực hiện (tại thời điểm cuối kỳ)"),
    9: _("Nguồn lực đã bố trí"),
    10: _("Báo cáo kết quả thực hiện"),
    11: _("Đánh giá kết quả"),
    12: _("Kết quả thực hiện"),
    13: _("Biện pháp bảo vệ"),
    14: _("Khuyến khích"),
    15: _("Hành vi bị nghiêm cấm (Điều 6)"),
    16: _("Cán bộ bị xử lý, bố trí công tác khác do đùn đẩy, né tránh, sợ trách nhiệm, cản trở"),
    17: _("Kiểm tra, giám sát"),
    18: _("Mô hình hiệu quả; kiến nghị thể chế hóa"),
}

PARTY_GROUPS = {
    "proposer": (_("cán bộ đề xuất"), (PartyKind.PROPOSER, PartyKind.CO_AUTHOR)),
    "implementer": (_("cá nhân, tổ chức thực hiện"), (PartyKind.IMPLEMENTER,)),
    "approver": (_("cơ quan, người đứng đầu"), (PartyKind.APPROVING_UNIT, PartyKind.APPROVING_HEAD)),
}
MEASURE_GROUPS = {
    "no_liability": (_("Không bị xử lý trách nhiệm"), (Measure.NO_LIABILITY,)),
    "exclusion": (_("Loại trừ trách nhiệm"), (Measure.EXCLUSION,)),
    "consider": (
        _("Xem xét loại trừ, miễn, giảm nhẹ"),
        (Measure.CONSIDER_EXCLUSION, Measure.CONSIDER_EXEMPTION, Measure.CONSIDER_MITIGATION),
    ),
}
HANDLED_OUTCOMES = (
    Incident.Outcome.REMINDER, Incident.Outcome.DISCIPLINE, Incident.Outcome.PARTY_INSPECTION,
    Incident.Outcome.REASSIGNMENT, Incident.Outcome.CRIMINAL,
)
# Column 16 (seeds: Thông tri 25-TT/HU, Quảng Ninh 2545-CV/TU): evasion and obstruction of Art. 6(2)–(3).
SHIRKING_KINDS = (Incident.Kind.OBSTRUCTION, Incident.Kind.EVASION)


def _columns() -> list[Column]:
    columns = [
        Column("c1_registered", 1, _("Số đăng ký (chưa bật bước đăng ký)")),
        Column("c2_received", 2, _("Tổng số")),
        Column("c2_route_a", 2, _("Tuyến khoản 3 Điều 7")),
        Column("c2_route_b", 2, _("Tuyến khoản 4 Điều 7")),
    ]
    columns += [
        Column(f"c2_{value}", 2, label) for value, label in Position.Category.choices if value != Position.Category.OTHER
    ]
    columns += [
        Column("c3_consulted", 3, _("Số đề xuất")),
        Column("c4_on_time", 4, _("Trong hạn 07 ngày làm việc")),
        Column("c4_late", 4, _("Quá hạn")),
        Column("c5_passed", 5, _("Số đề xuất")),
        Column("c5_tie", 5, _("Trong đó: theo ý kiến người đứng đầu khi ngang nhau")),
        Column("c6_override", 6, _("Số đề xuất")),
        Column("c7_rejected", 7, _("Không chấp thuận")),
        Column("c7_returns", 7, _("Số lần trả lại")),
        Column("c8_implementing", 8, _("Đang triển khai")),
        Column("c8_suspended", 8, _("Tạm dừng")),
        Column("c8_stopped", 8, _("Dừng")),
        Column("c8_adjusted", 8, _("Điều chỉnh (trong kỳ)")),
        Column("c9_funds", 9, _("Kinh phí (VNĐ)"), money=True),
        Column("c9_people", 9, _("Nhân lực (lượt bố trí)")),
        Column("c9_equipment", 9, _("Trang thiết bị, cơ sở vật chất (lượt bố trí)")),
        Column("c10_on_time", 10, _("Đúng hạn 05 ngày làm việc")),
        Column("c10_late", 10, _("Quá hạn")),
        Column("c11_evaluated", 11, _("Đã đánh giá")),
        Column("c11_consulted", 11, _("Xin ý kiến cấp ủy trước đánh giá")),
        Column("c11_meeting_on_time", 11, _("Họp đánh giá trong hạn 07 ngày làm việc")),
        Column("c12_completed", 12, Outcome.COMPLETED.label),
        Column("c12_partial", 12, Outcome.PARTIAL.label),
        Column("c12_not_completed", 12, Outcome.NOT_COMPLETED.label),
        Column("c12_damage", 12, _("Có thiệt hại")),
        Column("c12_damage_vnd", 12, _("Giá trị thiệt hại ước tính (VNĐ)"), money=True),
    ]
    for measure, (measure_label, _measures) in MEASURE_GROUPS.items():
        for party, (party_label, _kinds) in PARTY_GROUPS.items():
            columns.append(Column(f"c13_{measure}_{party}", 13, f"{measure_label}: {party_label}"))
    columns.append(Column("c13_not_protected", 13, _("Không được bảo vệ (số đề xuất)")))
    columns += [Column(f"c14_{value}", 14, label) for value, label in EncouragementForm.choices]
    columns += [Column(f"c14_to_{party}", 14, label) for party, (label, _kinds) in PARTY_GROUPS.items()]
    columns += [Column(f"c15_{value}", 15, label) for value, label in Incident.Kind.choices]
    columns.append(Column("c15_handled", 15, _("Đã xử lý")))
    columns += [Column(f"c15_{value}", 15, Incident.Outcome(value).label) for value in HANDLED_OUTCOMES]
    columns += [
        Column("c16_cadres", 16, _("Số cán bộ")),
        Column("c17_supervisions", 17, _("Số cuộc kiểm tra, giám sát")),
        Column("c17_party_orgs", 17, _("Tổ chức đảng vi phạm được xử lý")),
        Column("c17_party_members", 17, _("Đảng viên vi phạm được xử lý")),
        Column("c18_models", 18, _("Mô hình, đề xuất hiệu quả đề nghị nhân rộng")),
        Column("c18_bottlenecks", 18, _("Kiến nghị thể chế hóa, tháo gỡ")),
    ]
    return columns


COLUMNS = _columns()
# Column 1 counts a registration step that this product does not have (reports.md: "only if enabled").
NOT_APPLICABLE = frozenset({"c1_registered"})


@dataclasses.dataclass
class Row:
    unit: OrgUnit | None  # None: the total
    values: dict[str, int]
    own_only: bool = False  # the reporting unit's own proposals, not its subtree's

    def value(self, key: str) -> int | None:
        return None if key in NOT_APPLICABLE else self.values.get(key, 0)

    def cells(self) -> list[int | None]:
        return [self.value(column.key) for column in COLUMNS]


@dataclasses.dataclass
class Table:
    root: OrgUnit
    period: Period
    rows: list[Row]
    total: Row


def _by_unit(queryset, unit_field: str, **aggregates) -> dict[int, dict[str, int]]:
    result = {}
    for row in queryset.values(unit_field).annotate(**aggregates).order_by():
        unit_id = row.pop(unit_field)
        result[unit_id] = {key: value or 0 for key, value in row.items()}
    return result


def _counts(**conditions: Q) -> dict:
    return {key: Count("pk", filter=condition) for key, condition in conditions.items()}


def _received(period: Period, path: str) -> dict:
    proposals = Proposal.objects.filter(unit__path__startswith=path, received_on__range=period.range())
    categories = {
        f"c2_{value}": Q(proposer_position__category=value)
        for value in Position.Category.values if value != Position.Category.OTHER
    }
    return _by_unit(
        proposals, "unit_id",
        c2_received=Count("pk"), **_counts(c2_route_a=Q(route="A"), c2_route_b=Q(route="B"), **categories),
    )


def _consulted(period: Period, path: str) -> dict:
    rows = Consultation.objects.filter(_via_proposal(path), opinion_date__range=period.range())
    return _by_unit(rows, "proposal__unit_id", c3_consulted=Count("proposal_id", distinct=True))


def _meetings(period: Period, path: str) -> dict:
    rows = Meeting.objects.filter(_via_proposal(path), state=Meeting.State.CLOSED, held_on__range=period.range())
    return _by_unit(
        rows, "proposal__unit_id",
        **_counts(
            c4_on_time=Q(held_on__lte=F("proposal__review_due")),
            c4_late=Q(held_on__gt=F("proposal__review_due")),
            c5_passed=Q(passed=True),
            c5_tie=Q(passed=True, tie_break_applied=True),
        ),
    )


def _decisions(period: Period, path: str) -> dict:
    rows = Decision.objects.filter(_via_proposal(path), issued_on__range=period.range())
    kinds = Decision.Kind
    return _by_unit(
        rows, "proposal__unit_id",
        **_counts(
            c6_override=Q(kind=kinds.OVERRIDE), c7_rejected=Q(kind=kinds.REJECTION), c7_returns=Q(kind=kinds.RETURN),
        ),
    )


def status_at(period: Period):
    """The proposal's status at the end of `period`: the last status its audit trail reached by then."""
    _start, after = period.datetime_range()
    return Subquery(
        AuditEvent.objects.filter(
            object_type=Proposal._meta.label_lower,
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            occurred_at__lt=after,
        ).exclude(to_state="").order_by("-seq").values("to_state")[:1]
    )


def _standing(period: Period, path: str) -> dict:
    # Only proposals started by the period's end can be implementing, suspended or stopped at its end.
    started = Implementation.objects.filter(started_on__lte=period.end).values("proposal_id")
    rows = Proposal.objects.filter(unit__path__startswith=path, pk__in=started).annotate(standing=status_at(period))
    standing = _by_unit(
        rows, "unit_id",
        **_counts(
            c8_implementing=Q(standing=Status.IN_IMPLEMENTATION),
            c8_suspended=Q(standing=Status.SUSPENDED),
            c8_stopped=Q(standing=Status.STOPPED),
        ),
    )
    adjusted = Direction.objects.filter(
        _via_proposal(path), kind=Direction.Kind.ADJUST, issued_on__range=period.range(),
    )
    return _merge(standing, _by_unit(adjusted, "proposal__unit_id", c8_adjusted=Count("proposal_id", distinct=True)))


def _resources(period: Period, path: str) -> dict:
    rows = Resource.objects.filter(_via_proposal(path), recorded_at__range=_open_range(period))
    kinds = Resource.Kind
    return _by_unit(
        rows, "proposal__unit_id",
        c9_funds=Sum("amount", filter=Q(kind=kinds.FUNDS)),
        **_counts(c9_people=Q(kind=kinds.PEOPLE), c9_equipment=Q(kind__in=[kinds.EQUIPMENT, kinds.FACILITIES])),
    )


def _step_due(kind: str):
    """The due date of the proposal's (latest) step `kind`, closed or open: what "on time" is measured against."""
    return Subquery(
        Step.objects.filter(proposal_id=OuterRef("proposal_id"), kind=kind).order_by("-opened_at", "-pk").values("due_on")[:1]
    )


def _reports(period: Period, path: str) -> dict:
    rows = CompletionReport.objects.filter(_via_proposal(path), reported_on__range=period.range()).annotate(
        due=_step_due(STEP_COMPLETION_REPORT)
    )
    return _by_unit(
        rows, "proposal__unit_id",
        **_counts(c10_on_time=Q(due__isnull=True) | Q(reported_on__lte=F("due")), c10_late=Q(reported_on__gt=F("due"))),
    )


def _evaluations(period: Period, path: str) -> dict:
    conclusions = Conclusion.objects.filter(_via_proposal(path), issued_on__range=period.range())
    evaluated = _by_unit(
        conclusions, "proposal__unit_id",
        c11_evaluated=Count("pk"),
        **_counts(
            c12_completed=Q(outcome=Outcome.COMPLETED),
            c12_partial=Q(outcome=Outcome.PARTIAL),
            c12_not_completed=Q(outcome=Outcome.NOT_COMPLETED),
            c12_damage=Q(damage=True),
            c13_not_protected=Q(protection_basis=ProtectionBasis.NONE) | Q(protection_declined_at__isnull=False),
        ),
        c12_damage_vnd=Sum("damage_vnd"),
    )
    consulted = _by_unit(
        EvaluationConsultation.objects.filter(_via_proposal(path), opinion_date__range=period.range()),
        "proposal__unit_id", c11_consulted=Count("proposal_id", distinct=True),
    )
    meetings = EvaluationMeeting.objects.filter(
        _via_proposal(path), state=EvaluationMeeting.State.CLOSED, held_on__range=period.range(),
    ).annotate(due=_step_due(STEP_EVALUATION))
    on_time = _by_unit(
        meetings, "proposal__unit_id", c11_meeting_on_time=Count("pk", filter=Q(due__isnull=True) | Q(held_on__lte=F("due"))),
    )
    return _merge(evaluated, consulted, on_time)


def _protection(period: Period, path: str) -> dict:
    rows = ProtectionRecord.objects.filter(_via_proposal(path), issued_on__range=period.range())
    conditions = {
        f"c13_{measure}_{party}": Q(measure__in=measures, party_kind__in=kinds)
        for measure, (_label, measures) in MEASURE_GROUPS.items()
        for party, (_plabel, kinds) in PARTY_GROUPS.items()
    }
    return _by_unit(rows, "proposal__unit_id", **_counts(**conditions))


def _encouragement(period: Period, path: str) -> dict:
    rows = EncouragementRecord.objects.filter(_via_proposal(path), issued_on__range=period.range())
    conditions = {f"c14_{value}": Q(form=value) for value in EncouragementForm.values}
    conditions |= {f"c14_to_{party}": Q(party_kind__in=kinds) for party, (_label, kinds) in PARTY_GROUPS.items()}
    return _by_unit(rows, "proposal__unit_id", **_counts(**conditions))


def _incidents(period: Period, path: str) -> dict:
    rows = Incident.objects.filter(_on_unit(path), received_at__range=_open_range(period))
    conditions = {f"c15_{value}": Q(kind=value) for value in Incident.Kind.values}
    conditions["c15_handled"] = Q(outcome__in=HANDLED_OUTCOMES)
    conditions |= {f"c15_{value}": Q(outcome=value) for value in HANDLED_OUTCOMES}
    found = _by_unit(rows, "unit_id", **_counts(**conditions))
    shirkers = Incident.reported_people.through.objects.filter(
        incident__in=rows.filter(kind__in=SHIRKING_KINDS, outcome__in=HANDLED_OUTCOMES)
    )
    cadres = _by_unit(shirkers, "incident__unit_id", c16_cadres=Count("user_id", distinct=True))
    return _merge(found, cadres)


def _supervision(period: Period, path: str) -> dict:
    rows = SupervisionRecord.objects.filter(_on_unit(path), planned_from__range=period.range())
    return _by_unit(
        rows, "unit_id",
        c17_supervisions=Count("pk"), c17_party_orgs=Sum("party_orgs_handled"), c17_party_members=Sum("party_members_handled"),
    )


def _register(period: Period, path: str) -> dict:
    rows = RegisterEntry.objects.filter(_on_unit(path), created_at__range=_open_range(period))
    kinds = RegisterEntry.Kind
    return _by_unit(rows, "unit_id", **_counts(c18_models=Q(kind=kinds.MODEL), c18_bottlenecks=Q(kind=kinds.BOTTLENECK)))


# The columns a dashboard's on-time ranking needs (column 4): one metric instead of all of them.
MEETING_METRICS = (_meetings,)
METRICS = (
    _received, _consulted, _meetings, _decisions, _standing, _resources, _reports, _evaluations, _protection,
    _encouragement, _incidents, _supervision, _register,
)


def _open_range(period: Period):
    start, after = period.datetime_range()
    return start, after - datetime.timedelta(microseconds=1)


def _via_proposal(path: str) -> Q:
    return Q(proposal__unit__path__startswith=path)


def _on_unit(path: str) -> Q:
    return Q(unit__path__startswith=path)


def _merge(*parts: dict) -> dict:
    merged: dict[int, dict[str, int]] = defaultdict(dict)
    for part in parts:
        for unit_id, values in part.items():
            merged[unit_id].update(values)
    return merged


def unit_values(root: OrgUnit, period: Period, metrics=None) -> dict[int, dict[str, int]]:
    """Every metric of the period, per unit id of `root`'s subtree that has any."""
    per_unit: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for metric in metrics or METRICS:
        for unit_id, values in metric(period, root.path).items():
            for key, value in values.items():
                per_unit[unit_id][key] += value
    return per_unit


def annual_table(root: OrgUnit, period: Period, metrics=None) -> Table:
    """The data table: the root's own row, one row per child unit (with its subtree), and the total."""
    per_unit = unit_values(root, period, metrics)
    children = list(OrgUnit.objects.filter(parent=root).order_by("path"))
    rows = [Row(unit=root, values=defaultdict(int), own_only=True)] + [Row(unit=child, values=defaultdict(int)) for child in children]
    by_path = {child.path: row for child, row in zip(children, rows[1:], strict=True)}
    paths = dict(OrgUnit.objects.filter(pk__in=list(per_unit)).values_list("pk", "path"))
    depth = len(root.path.strip("/").split("/"))
    total = Row(unit=None, values=defaultdict(int))
    for unit_id, values in per_unit.items():
        segments = paths[unit_id].strip("/").split("/")
        row = rows[0] if len(segments) == depth else by_path["/" + "/".join(segments[: depth + 1]) + "/"]
        for key, value in values.items():
            row.values[key] += value
            total.values[key] += value
    return Table(root=root, period=period, rows=rows, total=total)
