"""The dashboard of heads, the secretariat and administrators (issue 9, item 7): counts by status and outcome that
reconcile with the proposal list, the open steps by due state and the overdue ones, a chart per quarter, the units
ranked by on-time rate against last year, each chart with its data as a table; scope as every report (404).

The clock: plans are submitted on Monday 02/03/2026 (review due Wednesday 11/03, 7 working days) and the
dashboard is read on Monday 16/03/2026, when those review meetings are overdue.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Position
from approvals.models import Vote
from core.workdays import seed_year
from evaluation.models import Conclusion, Outcome
from proposals.models import Proposal
from proposals.transitions import Status
from reports import figures
from reports.periods import year_period
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import HANOI, as_, drive_to, meeting_with_votes, submitted_proposal

SUBMITTED_AT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=HANOI)  # review due Wednesday 11/03/2026
READ_AT = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=HANOI)
FOR = Vote.Choice.FOR


def dashboard_url(**params) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("reports:dashboard") + (f"?{query}" if query else "")


def person_in(unit, role, username):
    person = UserFactory(username=username)
    PositionFactory(person=person, unit=unit, role=role, start_date=datetime.date(2024, 1, 1))
    return person


@pytest.fixture(autouse=True)
def _calendar(db):
    seed_year(2025)
    seed_year(2026)


@pytest.fixture
def finance(other_unit):
    """The Sở Tài chính's head, deputy and a staff cadre who proposes: a sibling of the department."""
    return (
        person_in(other_unit, Position.Role.HEAD, "gd.stc"),
        person_in(other_unit, Position.Role.DEPUTY, "pgd.stc"),
        person_in(other_unit, Position.Role.STAFF, "cv.stc"),
    )


@pytest.fixture
def province_secretariat(province):
    return person_in(province, Position.Role.SECRETARIAT, "vp.ubnd")


def late_meeting(*, proposer, head, deputy, time_machine, received: datetime.datetime, held: datetime.datetime):
    """A plan received at `received` whose collective meets (and passes it) at `held`, after its review due date."""
    time_machine.move_to(received, tick=False)
    proposal = submitted_proposal(proposer=proposer)
    time_machine.move_to(held, tick=False)
    assert held.date() > proposal.review_due
    return meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR}, held_on=held.date(), close=True)


def on_time_meeting(*, proposer, head, deputy, time_machine, at: datetime.datetime):
    time_machine.move_to(at, tick=False)
    proposal = submitted_proposal(proposer=proposer)
    return meeting_with_votes(proposal=proposal, by=head, votes={head: FOR, deputy: FOR}, close=True)


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def cell_link(page: str, status: str) -> int:
    """The count the status row shows (the text of its link to the proposal list)."""
    [count] = re.findall(rf'status={status}&amp;year=\d+">(\d+)</a>', page)
    return int(count)


# --- Counts by status and outcome, reconciled with the list -----------------------------------------------------


@pytest.fixture
def lifecycle(proposer, leaders, finance, time_machine):
    """Four plans submitted on 02/03/2026, brought by the services to submitted, returned, approved (department)
    and submitted (Sở Tài chính); one more submitted on Thursday 05/03 (due Monday 16/03: due soon on the 16th)."""
    head, deputy, _deputy2 = leaders
    time_machine.move_to(SUBMITTED_AT, tick=False)
    plans = {
        "submitted": drive_to(Status.SUBMITTED, proposer=proposer, head=head, deputy=deputy),
        "returned": drive_to(Status.RETURNED, proposer=proposer, head=head, deputy=deputy),
        "approved": drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy),
        "finance": submitted_proposal(proposer=finance[2]),
    }
    time_machine.move_to(datetime.datetime(2026, 3, 5, 9, 0, tzinfo=HANOI), tick=False)
    plans["due_soon"] = submitted_proposal(proposer=proposer)
    assert plans["due_soon"].review_due == READ_AT.date()
    time_machine.move_to(READ_AT, tick=False)
    return plans


def test_counts_by_status_and_the_overdue_steps_of_the_subtree(lifecycle, province, department, admin_user):
    response = as_(admin_user).get(dashboard_url(unit=province.pk, year=2026))
    received = response.context["received"]
    assert received.total == 5
    assert {figure.key: figure.count for figure in received.statuses if figure.count} == {
        Status.SUBMITTED: 3, Status.RETURNED: 1, Status.APPROVED: 1,
    }
    assert received.not_evaluated == 5 and not any(figure.count for figure in received.outcomes)

    steps = response.context["steps"]
    # Review meetings due 11/03 (the department's and the Sở Tài chính's) are overdue on 16/03; the plan of
    # 05/03 is due that very day (due soon: within 2 working days); the approved plan has no open step (its
    # decision was issued), the returned one waits for the proposer (no step of the deciding unit).
    assert (steps.on_time, steps.due_soon, steps.overdue) == (0, 1, 2)
    assert [step.proposal for step in steps.overdue_steps] == [lifecycle["submitted"], lifecycle["finance"]]
    page = html(response)
    assert "11/03/2026" in page and "Họp tập thể lãnh đạo xem xét đề xuất" in page
    assert cell_link(page, Status.SUBMITTED) == 3

    # The department alone: its own plans only.
    department_view = as_(admin_user).get(dashboard_url(unit=department.pk, year=2026)).context
    assert department_view["received"].total == 4
    assert department_view["steps"].overdue == 1
    # Another year: nothing received, and the open steps are those of today whatever the year.
    last_year = as_(admin_user).get(dashboard_url(unit=province.pk, year=2025)).context
    assert last_year["received"].total == 0 and last_year["steps"].overdue == 2


@pytest.mark.parametrize("reader", ["admin_user", "secretariat", "head"])
def test_every_status_count_is_the_proposal_lists_count_for_the_same_filters(lifecycle, reader, request, province, department):
    # issue 9: "Report figures reconcile exactly with the proposal list for the same filters and period": each
    # count links to the list filtered by the same unit, status and year, which finds as many proposals.
    person = request.getfixturevalue(reader)
    unit = province if reader == "admin_user" else department
    client = as_(person)
    page = html(client.get(dashboard_url(unit=unit.pk, year=2026)))
    for status in [*Status.values, ""]:
        query = {"unit": unit.pk, **({"status": status} if status else {}), "year": 2026}
        listed = client.get(reverse("proposals:list"), query)
        link = reverse("proposals:list") + "?" + "&amp;".join(f"{name}={value}" for name, value in query.items())
        [shown] = re.findall(rf'<a href="{re.escape(link)}">(\d+)</a>', page)
        assert listed.context["count"] == int(shown), status


def test_the_demo_in_every_status_reconciles_with_the_list_and_counts_outcomes(settings):
    # demo.lifecycle brings one proposal to every status through the services, evaluated and closed ones included;
    # the province's secretariat (the organisation body) reads the whole province in the list too.
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", verbosity=0)
    reader = Position.objects.get(person__username="tccb.ubnd").person
    client = as_(reader)
    response = client.get(reverse("reports:dashboard"))
    unit, year, received = response.context["unit"], response.context["year"], response.context["received"]
    assert unit.name == "Ủy ban nhân dân tỉnh Quảng Ninh" and year == timezone.localdate().year
    page = html(response)
    shown = {}
    for status in Status.values:
        shown[status] = cell_link(page, status)
        listed = client.get(reverse("proposals:list"), {"unit": unit.pk, "status": status, "year": year})
        assert listed.context["count"] == shown[status], status
    # One proposal in each status the demo builds, the draft aside (never submitted, so never received).
    statuses = Proposal.objects.filter(unit__path__startswith=unit.path, received_on__year=year).values_list("status", flat=True)
    assert {status: count for status, count in shown.items() if count} == dict.fromkeys(statuses, 1)
    assert {Status.SUBMITTED, Status.IN_IMPLEMENTATION, Status.EVALUATED, Status.CLOSED} <= set(statuses)
    concluded = Conclusion.objects.filter(proposal__unit__path__startswith=unit.path, proposal__received_on__year=year)
    outcomes = {figure.key: figure.count for figure in received.outcomes}
    assert outcomes == {outcome: concluded.filter(outcome=outcome).count() for outcome in Outcome.values}
    assert outcomes[Outcome.COMPLETED] == 2  # the evaluated and the closed proposal
    assert received.not_evaluated == received.total - 2


# --- Scope -------------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(dashboard_url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_staff_cadre_reads_no_dashboard(proposer, department):
    # reports.scope: only heads, deputies, the secretariat and inspectors read a unit's figures.
    assert as_(proposer).get(dashboard_url()).status_code == 404
    assert as_(proposer).get(dashboard_url(unit=department.pk)).status_code == 404


def test_the_head_of_a_sibling_unit_gets_404_for_the_department(finance, department, other_unit):
    head_of_finance = as_(finance[0])
    assert head_of_finance.get(dashboard_url(unit=department.pk)).status_code == 404
    assert head_of_finance.get(dashboard_url(unit="khong-phai-so")).status_code == 404
    assert head_of_finance.get(dashboard_url()).context["unit"] == other_unit  # their own unit by default


def test_the_secretariat_of_the_parent_unit_reads_the_departments_dashboard(province_secretariat, province, department):
    reader = as_(province_secretariat)
    assert reader.get(dashboard_url()).context["unit"] == province  # the top of their scope by default
    response = reader.get(dashboard_url(unit=department.pk, year=2025))
    assert response.context["unit"] == department and response.context["year"] == 2025
    assert "Sở Nội vụ tỉnh Quảng Ninh và các đơn vị trực thuộc" in html(response)


def test_an_administrator_reads_any_unit_and_the_inspector_their_subtree(admin_user, inspector, other_unit, department):
    assert as_(admin_user).get(dashboard_url(unit=other_unit.pk)).context["unit"] == other_unit
    assert as_(inspector).get(dashboard_url(unit=department.pk)).context["unit"] == department


def test_a_year_not_offered_falls_back_to_this_year_with_the_forms_error(admin_user, province):
    response = as_(admin_user).get(dashboard_url(year=1999))
    assert response.context["year"] == timezone.localdate().year
    assert response.context["form"].errors["year"]


def test_the_dashboard_is_read_only(admin_user):
    assert as_(admin_user).post(dashboard_url()).status_code == 405


# --- Ranking by on-time rate ---------------------------------------------------------------------------------------


@pytest.fixture
def meetings(proposer, leaders, finance, time_machine):
    """2025: the department's collective meets on time once. 2026: the department once on time and once late
    (received 02/03, met 16/03, due 11/03); the Sở Tài chính once on time."""
    head, deputy, _deputy2 = leaders
    on_time_meeting(proposer=proposer, head=head, deputy=deputy, time_machine=time_machine,
                    at=datetime.datetime(2025, 3, 3, 9, 0, tzinfo=HANOI))
    on_time_meeting(proposer=proposer, head=head, deputy=deputy, time_machine=time_machine, at=SUBMITTED_AT)
    on_time_meeting(proposer=finance[2], head=finance[0], deputy=finance[1], time_machine=time_machine, at=SUBMITTED_AT)
    late_meeting(proposer=proposer, head=head, deputy=deputy, time_machine=time_machine, received=SUBMITTED_AT, held=READ_AT)


def test_units_are_ranked_by_on_time_rate_with_the_change_from_last_year(meetings, admin_user, province, department, other_unit):
    response = as_(admin_user).get(dashboard_url(unit=province.pk, year=2026))
    ranks = [(rank.unit, rank.rate, rank.last_rate, rank.change, rank.meetings) for rank in response.context["ranks"]]
    # Sở Tài chính 1/1 (no meeting in 2025: no change); Sở Nội vụ 1/2, down from 1/1; the province's own
    # proposals had no meeting (last, "—"). Ranked by rate, not by the units' order (Sở Nội vụ comes first).
    assert ranks == [
        (other_unit, 100.0, None, None, 1),
        (department, 50.0, 100.0, -50.0, 2),
        (province, None, None, None, 0),
    ]
    # The same rule and figures as column 4 of the annual report (reports.figures).
    table = figures.annual_table(province, year_period(2026))
    [department_row] = [row for row in table.rows if row.unit == department]
    assert (department_row.values["c4_on_time"], department_row.values["c4_late"]) == (1, 1)

    page = html(response)
    row = re.search(r"<tr>\s*<td>2</td>\s*<th scope=\"row\" class=\"fw-normal\">Sở Nội vụ tỉnh Quảng Ninh</th>(.*?)</tr>", page, re.S)
    assert re.findall(r">([^<>]+)</td>", row.group(1)) == ["2", "50%", "100%", "-50"]
    assert "Ủy ban nhân dân tỉnh Quảng Ninh (riêng cơ quan, đơn vị)" in page

    chart = response.context["ranking_chart"]
    assert chart.percent and chart.rows() == [("Sở Tài chính tỉnh Quảng Ninh", [100.0]), ("Sở Nội vụ tỉnh Quảng Ninh", [50.0])]


# --- The chart per quarter, with its data as a table ---------------------------------------------------------------


def chart_figure(page: str, key: str) -> str:
    [figure] = re.findall(rf'<figure class="report-chart-figure" id="bieu-do-{key}">(.*?)</figure>', page, re.S)
    return figure


def test_a_chart_per_quarter_drawn_with_its_data_as_a_table(lifecycle, proposer, admin_user, province, time_machine):
    time_machine.move_to(datetime.datetime(2026, 4, 6, 9, 0, tzinfo=HANOI), tick=False)  # Monday of the 2nd quarter
    submitted_proposal(proposer=proposer)
    response = as_(admin_user).get(dashboard_url(unit=province.pk, year=2026))
    # Received: the five plans of March and one of April; approved: the department's decision of 02/03.
    assert response.context["quarter_chart"].rows() == [
        ("Quý I", [5, 1]), ("Quý II", [1, 0]), ("Quý III", [0, 0]), ("Quý IV", [0, 0]),
    ]
    figure = chart_figure(html(response), "theo-quy")
    assert "<svg" in figure and "<table" in figure
    # The table beside the drawing: the series are its column headers, a quarter a row.
    headers = re.findall(r'<th scope="col" class="text-end">([^<]+)</th>', figure)
    assert headers == ["Tiếp nhận", "Cho triển khai thực hiện"]
    assert re.search(r'<th scope="row" class="fw-normal">Quý II</th>\s*<td[^>]*>1</td><td[^>]*>0</td>', figure)


def test_the_ranking_chart_has_its_table_too(meetings, admin_user, province):
    figure = chart_figure(html(as_(admin_user).get(dashboard_url(unit=province.pk, year=2026))), "ty-le-dung-han")
    assert "<svg" in figure
    assert re.findall(r'<th scope="col" class="text-end">([^<]+)</th>', figure) == ["Năm 2026"]
    assert re.search(r'<th scope="row" class="fw-normal">Sở Nội vụ tỉnh Quảng Ninh</th>\s*<td[^>]*>50%</td>', figure)


# --- Cost ----------------------------------------------------------------------------------------------------------


def test_the_page_costs_the_same_queries_whatever_the_number_of_proposals(
    lifecycle, leaders, proposer, secretariat, department, time_machine, django_assert_num_queries
):
    client = as_(secretariat)
    url = dashboard_url(unit=department.pk, year=2026)
    # 20 queries: the session and the user (2); the reader's top units, the paths of their scope, the unit asked
    # for (3); the ranking's two tables of column 4 (reports.figures.MEETING_METRICS): the meetings and the child
    # units each, and the paths of the units with figures, read only when there are some (2025 has none)
    # (1 + 1 + 1 + 1 + 1);
    # by status and outcome, open steps by due date, the working-day calendar of "due soon", the overdue steps,
    # received and approved per quarter (6); the navigation bar: positions held (the incidents stage's handler paths
    # too, to build the inbox sections the badge counts) and the badges (unread notifications, tasks pending) (2);
    # the unit select, whose options the crispy field template iterates twice (2).
    with django_assert_num_queries(20):
        assert client.get(url).status_code == 200
    head, deputy, _deputy2 = leaders
    time_machine.move_to(SUBMITTED_AT, tick=False)
    drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    drive_to(Status.REJECTED, proposer=proposer, head=head, deputy=deputy)
    time_machine.move_to(READ_AT, tick=False)
    submitted_proposal(proposer=proposer)
    with django_assert_num_queries(20):
        response = client.get(url)
    steps = response.context["steps"]
    assert response.context["received"].total == 7 and (steps.on_time, steps.due_soon, steps.overdue) == (1, 1, 1)
