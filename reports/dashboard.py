"""The dashboard of heads, the secretariat and administrators (issue 9, item 7): for a unit and its subtree, the
year's proposals by status and by outcome, the open steps by due state with the overdue ones, a chart per quarter
and the units ranked by on-time rate against last year.

Internal figures, so calendar periods (spec reports.md "Cut-off dates": calendar periods for internal
dashboards). Every figure is attributed to the proposal's employing unit (`Proposal.unit`) as in the annual
table (reports.figures), and the status counts are the proposal list's counts for the same unit, status and year.
The page costs a fixed number of queries whatever the number of proposals: each figure is one GROUP BY over the
period's rows, and the ranking reads the annual table (one GROUP BY per metric) of this year and the last.
"""

import dataclasses
import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import OrgUnit
from approvals.models import Decision
from core.db_router import replica_reads
from evaluation.models import Outcome
from proposals.models import Proposal, Step
from proposals.selectors import DueBadges, DueState
from proposals.transitions import Status

from .charts import Chart, Series
from .figures import MEETING_METRICS, Row, annual_table
from .periods import Period, quarter_period, year_period
from .scope import report_units, top_units
from .services import FIRST_YEAR

OVERDUE_LISTED = 20  # the page lists the first overdue steps by due date; the count covers them all
QUARTERS = ("I", "II", "III", "IV")
# Art. 8(1): the head decides to implement after the collective passes it, or against its vote (override).
APPROVING = (Decision.Kind.APPROVAL, Decision.Kind.OVERRIDE)


class DashboardForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan, đơn vị (gồm đơn vị trực thuộc)"), queryset=OrgUnit.objects.none(),
        required=False, empty_label=None,
    )
    year = forms.TypedChoiceField(label=gettext_lazy("Năm"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, units, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["year"].choices = [(year, str(year)) for year in range(today.year, FIRST_YEAR - 1, -1)]


@dataclasses.dataclass(frozen=True)
class Figure:
    key: str
    label: str
    count: int


@dataclasses.dataclass(frozen=True)
class Received:
    """The proposals received in the period, by status (Status order) and by the conclusion's outcome."""

    total: int
    statuses: list[Figure]
    outcomes: list[Figure]
    not_evaluated: int


@dataclasses.dataclass(frozen=True)
class OpenSteps:
    """Open steps by due state (the badges of every list: DueBadges) and the first overdue ones."""

    on_time: int
    due_soon: int
    overdue: int
    overdue_steps: list[Step]

    @property
    def by_state(self) -> list[tuple[str, int]]:
        return [(DueState.ON_TIME, self.on_time), (DueState.DUE_SOON, self.due_soon), (DueState.OVERDUE, self.overdue)]


@dataclasses.dataclass(frozen=True)
class Rank:
    label: str
    unit: OrgUnit
    rate: float | None  # percent of the collective's meetings held within the deadline; None: no meeting
    last_rate: float | None
    meetings: int

    @property
    def change(self) -> float | None:
        """In percentage points against last year."""
        return None if self.rate is None or self.last_rate is None else round(self.rate - self.last_rate, 1)


def _subtree(root: OrgUnit, field: str = "unit__path") -> Q:
    return Q(**{f"{field}__startswith": root.path})


def received(root: OrgUnit, period: Period) -> Received:
    """One GROUP BY over the period's proposals; a proposal has at most one conclusion (evaluation.Conclusion)."""
    rows = (
        Proposal.objects.filter(_subtree(root), received_on__range=period.range())
        .values("status", "conclusion__outcome").annotate(n=Count("pk")).order_by()
    )
    by_status: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["conclusion__outcome"]:
            by_outcome[row["conclusion__outcome"]] = by_outcome.get(row["conclusion__outcome"], 0) + row["n"]
    total = sum(by_status.values())
    return Received(
        total=total,
        statuses=[Figure(value, label, by_status.get(value, 0)) for value, label in Status.choices],
        outcomes=[Figure(value, label, by_outcome.get(value, 0)) for value, label in Outcome.choices],
        not_evaluated=total - sum(by_outcome.values()),
    )


def open_steps(root: OrgUnit, today: datetime.date) -> OpenSteps:
    """Open steps of the subtree's proposals (spec README §4), whatever year the proposal was received in.

    "Due soon" is the proposal's legal profile's `due_soon_wd`, as every list's badge shows it: the steps are
    counted per (due date, threshold), so the rows read grow with the distinct due dates, not with the steps.
    """
    steps = Step.objects.open().filter(_subtree(root, "proposal__unit__path"))
    counts = dict.fromkeys((DueState.ON_TIME, DueState.DUE_SOON, DueState.OVERDUE), 0)
    badges = DueBadges(today)
    for row in steps.values("due_on", "proposal__profile__due_soon_wd").annotate(n=Count("pk")).order_by():
        counts[badges.state(due=row["due_on"], soon_wd=row["proposal__profile__due_soon_wd"])] += row["n"]
    overdue = steps.filter(due_on__lt=today).select_related("proposal", "unit").order_by("due_on", "pk")
    return OpenSteps(
        on_time=counts[DueState.ON_TIME], due_soon=counts[DueState.DUE_SOON], overdue=counts[DueState.OVERDUE],
        overdue_steps=list(overdue[:OVERDUE_LISTED]),
    )


def quarter_chart(root: OrgUnit, year: int) -> Chart:
    """Proposals received and proposals approved (decision to implement issued) in each calendar quarter."""
    quarters = {f"q{n}": quarter_period(year, n).range() for n in range(1, 5)}
    whole = year_period(year).range()
    received_in = Proposal.objects.filter(_subtree(root), received_on__range=whole).aggregate(
        **{key: Count("pk", filter=Q(received_on__range=bounds)) for key, bounds in quarters.items()}
    )
    approved_in = Decision.objects.filter(
        _subtree(root, "proposal__unit__path"), kind__in=APPROVING, issued_on__range=whole,
    ).aggregate(**{key: Count("pk", filter=Q(issued_on__range=bounds)) for key, bounds in quarters.items()})
    return Chart(
        key="theo-quy",
        title=_("Đề xuất tiếp nhận và được cho triển khai theo quý năm %(year)s") % {"year": year},
        categories=tuple(_("Quý %(quarter)s") % {"quarter": numeral} for numeral in QUARTERS),
        series=(
            Series(_("Tiếp nhận"), tuple(received_in[key] for key in quarters)),
            Series(_("Cho triển khai thực hiện"), tuple(approved_in[key] for key in quarters)),
        ),
        unit_label=_("đề xuất"),
    )


def _rate(row: Row) -> tuple[float | None, int]:
    """The share of the collective's meetings held within 7 working days (columns 4 of the annual table,
    Art. 8(1)) in percent, and the number of meetings."""
    on_time, late = row.values.get("c4_on_time", 0), row.values.get("c4_late", 0)
    meetings = on_time + late
    return (round(100 * on_time / meetings, 1) if meetings else None), meetings


def ranking(root: OrgUnit, year: int) -> list[Rank]:
    """The root's own proposals and each unit directly under it (with its subtree), the annual table's rows, by
    on-time rate this year (units without a meeting last), with last year's rate."""
    last_year = {row.unit.pk: _rate(row)[0] for row in annual_table(root, year_period(year - 1), MEETING_METRICS).rows}
    ranks = []
    for row in annual_table(root, year_period(year), MEETING_METRICS).rows:
        rate, meetings = _rate(row)
        label = _("%(unit)s (riêng cơ quan, đơn vị)") % {"unit": row.unit.name} if row.own_only else row.unit.name
        ranks.append(Rank(label, row.unit, rate, last_year.get(row.unit.pk), meetings))
    return sorted(ranks, key=lambda rank: (rank.rate is None, -(rank.rate or 0), rank.unit.path))


def ranking_chart(ranks: list[Rank], year: int) -> Chart:
    rated = [rank for rank in ranks if rank.rate is not None]
    return Chart(
        key="ty-le-dung-han",
        title=_("Tỷ lệ đề xuất được họp tập thể lãnh đạo trong hạn 07 ngày làm việc, năm %(year)s") % {"year": year},
        categories=tuple(rank.label for rank in rated),
        series=(Series(_("Năm %(year)s") % {"year": year}, tuple(rank.rate for rank in rated)),),
        unit_label="%",
        percent=True,
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    tops = top_units(request.user, today=today)
    if not tops:
        # Neither a reader of any unit (reports.scope.READERS) nor an administrator.
        raise Http404
    form = DashboardForm(
        request.GET or None, units=report_units(request.user, today=today), today=today,
        initial={"unit": tops[0], "year": today.year},
    )
    chosen = {}
    if form.is_bound:
        form.is_valid()
        if "unit" in form.errors:
            # The choices are the reader's scope (reports.scope.report_units, as `unit_in_scope` reads it): a unit
            # outside it gets the same 404 as one that does not exist.
            raise Http404
        chosen = form.cleaned_data
    unit = chosen.get("unit") or tops[0]
    year = chosen.get("year") or today.year
    # Who may read which unit was decided on the primary above; the figures may come from the replica (issue 14 §3).
    with replica_reads():
        ranks = ranking(unit, year)
        figures = {
            "received": received(unit, year_period(year)),
            "steps": open_steps(unit, today),
            "quarter_chart": quarter_chart(unit, year),
            "ranks": ranks,
            "ranking_chart": ranking_chart(ranks, year),
        }
    return render(request, "reports/dashboard.html", {
        "form": form, "unit": unit, "year": year, "last_year": year - 1, "today": today,
        "overdue_listed": OVERDUE_LISTED, **figures,
    })
