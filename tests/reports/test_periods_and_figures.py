"""Periods (reports.md "Cut-off dates") and the data table's figures (the 18 columns), reconciled with the list."""

import datetime

import pytest
from django.urls import reverse

from approvals.models import Vote
from proposals.transitions import Status
from reports.figures import annual_table
from reports.periods import Kind, previous_quarter, quarter_period, year_period
from tests.lifecycle import as_, drive_to, meeting_with_votes, submitted_proposal

D = datetime.date


def test_calendar_and_decree09_years():
    assert (year_period(2026).start, year_period(2026).end) == (D(2026, 1, 1), D(2026, 12, 31))
    cut = year_period(2026, Kind.DECREE_09)
    assert (cut.start, cut.end) == (D(2025, 12, 15), D(2026, 12, 14))
    assert cut.contains(D(2026, 12, 14)) and not cut.contains(D(2026, 12, 15))


@pytest.mark.parametrize(("quarter", "calendar", "cut_off"), [
    (1, (D(2026, 1, 1), D(2026, 3, 31)), (D(2025, 12, 15), D(2026, 3, 14))),
    (2, (D(2026, 4, 1), D(2026, 6, 30)), (D(2026, 3, 15), D(2026, 6, 14))),
    (4, (D(2026, 10, 1), D(2026, 12, 31)), (D(2026, 9, 15), D(2026, 12, 14))),
])
def test_quarters(quarter, calendar, cut_off):
    """Decree 09/2019 Art. 12: a quarter runs from the 15th of the month before it to the 14th of its last month."""
    period = quarter_period(2026, quarter)
    assert (period.start, period.end) == calendar
    period = quarter_period(2026, quarter, Kind.DECREE_09)
    assert (period.start, period.end) == cut_off


def test_previous_quarter():
    assert previous_quarter(D(2026, 10, 1)) == (2026, 3)
    assert previous_quarter(D(2026, 1, 1)) == (2025, 4)


@pytest.mark.frozen_at("2025-12-31 23:30 +07:00")
def test_submitted_on_new_years_eve_local_time_belongs_to_that_year(proposer, leaders, province, department):
    """23:30 in Hà Nội on 31/12 is already 1 January nowhere that matters: it is 16:30 UTC on 31/12, and the
    report counts it in 2025 (calendar) and in the 2026 cut-off year (15/12/2025 – 14/12/2026)."""
    submitted_proposal(proposer=proposer)
    assert annual_table(province, year_period(2025)).total.values["c2_received"] == 1
    assert annual_table(province, year_period(2026)).total.values["c2_received"] == 0
    assert annual_table(province, year_period(2026, Kind.DECREE_09)).total.values["c2_received"] == 1


@pytest.mark.parametrize(("moment", "year"), [("2025-12-14 23:59 +07:00", 2025), ("2025-12-15 00:01 +07:00", 2026)])
def test_cut_off_splits_14_and_15_december(moment, year, proposer, leaders, province, time_machine):
    time_machine.move_to(moment, tick=False)
    submitted_proposal(proposer=proposer)
    for candidate in (2025, 2026):
        total = annual_table(province, year_period(candidate, Kind.DECREE_09)).total.values["c2_received"]
        assert total == (1 if candidate == year else 0)


@pytest.mark.frozen_at("2026-03-02 09:00 +07:00")
def test_rows_per_child_unit_add_up_and_reconcile_with_the_list(
    proposer, head, deputy, leaders, province, department, other_unit, inspector, admin_user,
):
    """One row for the province's own proposals, one per unit under it; column 2 equals the proposal list's
    count for the same unit and year (issue 9: "figures reconcile exactly with the proposal list")."""
    approved = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    drive_to(Status.REJECTED, proposer=proposer, head=head, deputy=deputy)
    drive_to(Status.RETURNED, proposer=proposer, head=head, deputy=deputy)
    table = annual_table(province, year_period(2026))
    rows = {row.unit.code: row for row in table.rows}
    assert list(rows) == ["UBND-QN", "SNV-QN", "STC-QN"]
    assert rows["UBND-QN"].own_only
    snv = rows["SNV-QN"].values
    assert snv["c2_received"] == 3 and snv["c2_route_a"] == 3
    assert snv["c4_on_time"] == 2 and snv.get("c4_late", 0) == 0
    assert snv["c5_passed"] == 1 and snv["c7_rejected"] == 1 and snv["c7_returns"] == 1
    assert rows["STC-QN"].values.get("c2_received", 0) == 0
    assert table.total.values == snv
    # The organisation body reads the whole subtree (issue 9, item 8); an administrator, holding no position,
    # filters by any unit all the same.
    for client in (as_(inspector), as_(admin_user)):
        for unit, expected in ((department, 3), (province, 3), (other_unit, 0)):
            response = client.get(reverse("proposals:list"), {"unit": unit.pk, "year": 2026})
            assert response.context["form"].is_valid()
            assert response.context["count"] == expected
    assert approved.unit == department


@pytest.mark.frozen_at("2026-03-02 09:00 +07:00")
def test_tie_and_late_meeting_are_counted(proposer, head, deputy, leaders, province, time_machine):
    """Column 4 splits meetings held within the 7 working days from late ones; column 5 counts passes decided by
    the head's side on a tie."""
    proposal = submitted_proposal(proposer=proposer)
    assert proposal.review_due == D(2026, 3, 11)
    time_machine.move_to("2026-03-12 09:00 +07:00", tick=False)
    meeting_with_votes(
        proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.AGAINST}, close=True,
        held_on=D(2026, 3, 12),
    )
    values = annual_table(province, year_period(2026)).total.values
    assert values["c4_late"] == 1 and values.get("c4_on_time", 0) == 0
    assert values["c5_passed"] == values["c5_tie"] == 1
