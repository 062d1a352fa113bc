"""Dated steps after the decision (proposals.steps): stored due dates that reminders and badges read."""

import datetime

import pytest
from django.db import connection

from proposals.models import Step
from proposals.steps import due_after, open_steps, step_close, step_open
from tests.lifecycle import seed_year, submitted_proposal


@pytest.fixture
def proposal(proposer, head):
    return submitted_proposal(proposer=proposer)


def test_due_dates_count_working_days_across_tet(db):
    seed_year(2026)
    # Friday 13/02/2026, then the Tết break 14–22/02: 5 working days later is Friday 27/02.
    assert due_after(datetime.date(2026, 2, 13), 5) == datetime.date(2026, 2, 27)


def test_one_open_step_per_kind_and_a_repeated_open_keeps_the_first(proposal, department, proposer):
    first = step_open(proposal=proposal, kind="report", label="Báo cáo kết quả", due_on=datetime.date(2026, 5, 4),
                      unit=department, person=proposer)
    again = step_open(proposal=proposal, kind="report", label="Báo cáo kết quả", due_on=datetime.date(2026, 6, 1),
                      unit=department)
    assert again.pk == first.pk and again.due_on == datetime.date(2026, 5, 4)
    assert [step.kind for step in open_steps(proposal) if step.kind == "report"] == ["report"]


def test_a_closed_step_leaves_the_open_list_and_may_open_again(proposal, department):
    step_open(proposal=proposal, kind="report", label="Báo cáo", due_on=datetime.date(2026, 5, 4), unit=department)
    assert step_close(proposal=proposal, kind="report") == 1
    assert step_close(proposal=proposal, kind="report") == 0
    assert [step for step in open_steps(proposal) if step.kind == "report"] == []
    step_open(proposal=proposal, kind="report", label="Báo cáo", due_on=datetime.date(2026, 6, 1), unit=department)
    assert Step.objects.filter(proposal=proposal, kind="report").count() == 2


@pytest.mark.postgres
def test_the_scan_of_due_steps_uses_the_partial_index(proposal, department):
    start = datetime.date(2026, 1, 1)
    Step.objects.bulk_create(
        Step(proposal=proposal, kind=f"k{n}", label="Việc", due_on=start + datetime.timedelta(days=n % 300), unit=department,
             closed_at=None if n % 2 else datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proposals_step")
    plan = Step.objects.open().filter(due_on__lte=datetime.date(2026, 1, 5)).order_by("due_on").explain()
    assert "step_open_due_idx" in plan, plan


def test_reminder_offsets_must_be_working_days_from_0_to_30(db):
    from django.core.exceptions import ValidationError

    from proposals.models import LegalProfile

    profile = LegalProfile(version=99, reminder_offsets_wd=[2, 0])
    profile.clean()
    for wrong in ([-1], [31], ["2"], "2,0"):
        profile.reminder_offsets_wd = wrong
        with pytest.raises(ValidationError, match="từ 0 đến 30"):
            profile.clean()
