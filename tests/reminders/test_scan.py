"""The daily deadline scan (spec README §5): reminders to whoever must act at the legal profile's offsets, and once
overdue an escalation to the superior head and the secretariat; only due rows are read.

The review deadline of a plan submitted on Monday 02/03/2026 is Wednesday 11/03 (tests/reminders/conftest.py).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from implementation.models import Assignment
from implementation.services import implementer_assign
from proposals.models import Step
from proposals.steps import step_open
from proposals.transitions import Status
from reminders.models import Reminder
from reminders.selectors import due_reminders
from reminders.services import reminders_plan
from tests.lifecycle import drive_to, meeting_with_votes, new_profile_version, submitted_proposal
from tests.reminders.helpers import (
    MONDAY,
    OVERDUE,
    REVIEW_DUE,
    TWO_DAYS_BEFORE,
    mails_to,
    morning,
    notifications_of,
    scan_on,
)


def test_who_must_act_is_reminded_two_working_days_before_and_on_the_day(
    submitted, head, secretariat, deputy, superior_head, time_machine, mailoutbox
):
    # README §5, decree73.md §8 reminder offsets [U] (default [2, 0]): the head convenes the review meeting and
    # the secretariat prepares it (Art. 8(1)); nobody else hears of it.
    assert scan_on(time_machine, datetime.date(2026, 3, 6))["due"] == 0  # Friday: 3 working days left

    assert scan_on(time_machine, TWO_DAYS_BEFORE) == {"day": "2026-03-09", "due": 2, "sent": 2, "failed": 0}
    [before] = notifications_of(head)
    assert before.text() == (
        f"Nhắc việc: “Họp tập thể lãnh đạo xem xét đề xuất” của đề xuất {submitted.code} “{submitted.title}” "
        "đến hạn ngày 11/03/2026 (còn 2 ngày làm việc)."
    )
    assert len(notifications_of(secretariat)) == 1

    assert scan_on(time_machine, datetime.date(2026, 3, 10))["due"] == 2  # the same two, already sent
    assert len(mailoutbox) == 2

    scan_on(time_machine, REVIEW_DUE)
    on_the_day = notifications_of(head)[-1]
    assert on_the_day.text().startswith("Nhắc việc: hôm nay (11/03/2026) là hạn")
    assert [len(mails_to(mailoutbox, p)) for p in (head, secretariat, deputy, superior_head)] == [2, 2, 0, 0]
    assert set(Reminder.objects.values_list("kind", "offset_wd")) == {("remind", 2), ("remind", 0)}


def test_once_overdue_the_superior_head_and_the_secretariat_hear_of_it_once(
    submitted, head, secretariat, superior_head, department, time_machine, mailoutbox
):
    # README §5: escalation of an overdue step to the superior head and the secretariat, once per step and date.
    scan_on(time_machine, OVERDUE)
    scan_on(time_machine, datetime.date(2026, 3, 13))
    scan_on(time_machine, datetime.date(2026, 3, 16))

    [escalation] = notifications_of(superior_head)
    assert escalation.text() == (
        f"Quá hạn: “Họp tập thể lãnh đạo xem xét đề xuất” của đề xuất {submitted.code} “{submitted.title}” "
        f"đã quá hạn ngày 11/03/2026 mà chưa hoàn thành ({department.name})."
    )
    assert len(notifications_of(secretariat)) == 1
    assert notifications_of(head) == []
    assert len(mailoutbox) == 2
    assert set(Reminder.objects.values_list("kind", "recipient")) == {("escalate", superior_head.pk), ("escalate", secretariat.pk)}


def test_escalation_is_the_units_choice_and_can_be_switched_off(proposer, head, secretariat, superior_head, time_machine):
    # decree73.md §8 escalation chain [U]: the unit's rule, not the decree's (LegalProfile.escalate_overdue).
    new_profile_version(escalate_overdue=False)
    submitted_proposal(proposer=proposer)

    scan_on(time_machine, OVERDUE)

    assert not Reminder.objects.exists()
    assert notifications_of(superior_head) == []


def test_the_offsets_are_the_profiles_in_working_days(proposer, head, secretariat, time_machine):
    # decree73.md §8 [U]: a province may remind 5 and 1 working days before, and not on the day.
    new_profile_version(reminder_offsets_wd=[5, 1])
    submitted_proposal(proposer=proposer)
    days = [datetime.date(2026, 3, d) for d in (3, 4, 5, 6, 9, 10, 11)]

    planned = {day: scan_on(time_machine, day)["due"] for day in days}

    # 5 WD before 11/03 is Wednesday 04/03; 1 WD before is Tuesday 10/03.
    assert set(Reminder.objects.values_list("offset_wd", flat=True)) == {5, 1}
    assert list(Reminder.objects.filter(recipient=head).order_by("pk").values_list("offset_wd", flat=True)) == [5, 1]
    assert planned[datetime.date(2026, 3, 3)] == 0 and planned[datetime.date(2026, 3, 4)] == 2


def test_a_missed_morning_is_caught_up_with_one_reminder_not_a_burst(submitted, head, time_machine, mailoutbox):
    # The scan of Monday 09/03 did not run (beat down): Tuesday sends the "before" reminder once.
    scan_on(time_machine, datetime.date(2026, 3, 10))
    assert [n.text().split(" (còn ")[1] for n in notifications_of(head)] == ["1 ngày làm việc)."]
    assert len(mails_to(mailoutbox, head)) == 1


def test_nothing_is_planned_on_a_day_off_and_the_next_working_day_catches_up(submitted, head, superior_head, time_machine):
    # Beat runs every day; civil servants work Monday–Friday (README §4). Saturday 07/03 and Sunday 08/03 pass
    # quietly, Monday 09/03 brings the reminder due two working days before Wednesday.
    assert scan_on(time_machine, datetime.date(2026, 3, 7))["due"] == 0
    assert scan_on(time_machine, datetime.date(2026, 3, 8))["due"] == 0
    assert not Reminder.objects.exists()
    # Overdue since Wednesday 11/03: no escalation on Saturday 14/03, but on Monday 16/03.
    assert scan_on(time_machine, datetime.date(2026, 3, 14))["due"] == 0
    scan_on(time_machine, datetime.date(2026, 3, 16))
    assert len(notifications_of(superior_head)) == 1


def test_a_step_done_before_the_scan_is_not_reminded(submitted, head, deputy, time_machine):
    meeting_with_votes(proposal=submitted, by=head, votes={head: "for"})  # the meeting opens: the review is met
    scan_on(time_machine, REVIEW_DUE)
    scan_on(time_machine, OVERDUE)
    assert not Reminder.objects.exists()


def test_a_reminder_for_a_step_done_after_planning_is_skipped_at_delivery(submitted, head, secretariat, time_machine):
    from reminders.services import reminders_deliver_pending

    time_machine.move_to(morning(TWO_DAYS_BEFORE), tick=False)
    reminders_plan(today=TWO_DAYS_BEFORE)
    meeting_with_votes(proposal=submitted, by=head, votes={head: "for"})

    assert reminders_deliver_pending(today=TWO_DAYS_BEFORE) == (0, 0)
    assert set(Reminder.objects.values_list("state", flat=True)) == {"skipped"}
    assert notifications_of(head) == []


def test_the_decision_after_the_vote_is_the_heads_alone(submitted, head, deputy, secretariat, superior_head, time_machine):
    # D-14 [I]: the written decision is the head's act; the secretariat is reminded of meetings, not of it.
    meeting_with_votes(proposal=submitted, by=head, votes={head: "for", deputy: "for"}, close=True)  # due 09/03

    scan_on(time_machine, datetime.date(2026, 3, 5))

    assert [r.recipient for r in Reminder.objects.all()] == [head]
    scan_on(time_machine, datetime.date(2026, 3, 10))
    assert set(Reminder.objects.filter(kind="escalate").values_list("recipient", flat=True)) == {superior_head.pk, secretariat.pk}


def test_a_step_of_a_person_reminds_that_person(submitted, proposer, head, department, time_machine):
    # CMP-1, Art. 18 [C]: the implementer who completed reports within 5 WD (the step names the lead implementer).
    step_open(proposal=submitted, kind="completion_report", label="Nộp báo cáo kết quả thực hiện đề xuất",
              due_on=datetime.date(2026, 3, 4), unit=department, person=proposer)

    scan_on(time_machine, datetime.date(2026, 3, 4))

    assert Reminder.objects.get(step__kind="completion_report").recipient == proposer


def test_an_outside_organisation_is_reminded_at_its_contact_address_and_the_secretariat_acts(
    proposer, head, deputy, secretariat, department, time_machine, mailoutbox
):
    # IMP-2 [C]: an organisation implements through its contact person; CMP-1: it reports within 5 WD, and the
    # deciding unit's secretariat records the report on its behalf (the implementation stage's rule).
    approved = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    implementer_assign(proposal=approved, by=head, kind=Assignment.Kind.ORGANISATION, name="Công ty CP Tin học Hạ Long",
                       contact_person="Lê Văn Liên", email="lienhe@tinhochalong.vn", is_lead=True)
    step_open(proposal=approved, kind="completion_report", label="Nộp báo cáo kết quả thực hiện đề xuất",
              due_on=datetime.date(2026, 3, 9), unit=department)

    scan_on(time_machine, datetime.date(2026, 3, 9))

    report = Reminder.objects.filter(step__kind="completion_report")
    assert set(report.values_list("email", "recipient")) == {("lienhe@tinhochalong.vn", None), ("", secretariat.pk)}
    [contact_mail] = mails_to(mailoutbox, "lienhe@tinhochalong.vn")
    assert "Kính gửi Lê Văn Liên," in contact_mail.body
    assert approved.code in contact_mail.subject


def test_planning_reads_only_due_rows_in_a_fixed_number_of_queries(proposer, head, secretariat, time_machine, department):
    # README §5 / issue: "the scan reads only due rows, never every proposal": the ten evaluation steps due in April
    # are not read (their proposals' review meetings, due today, are).
    submitted_proposal(proposer=proposer)
    for n in range(10):
        step_open(proposal=submitted_proposal(proposer=proposer, title=f"Đề xuất số {n}"), kind="evaluation",
                  label="Họp đánh giá kết quả thực hiện", due_on=datetime.date(2026, 4, 10), unit=department)
    time_machine.move_to(morning(REVIEW_DUE), tick=False)

    def plan_queries():
        with CaptureQueriesContext(connection) as queries:
            reminders_plan(today=REVIEW_DUE)
        return len(queries)

    assert {reminder.due_on for reminder in due_reminders(today=REVIEW_DUE)} == {REVIEW_DUE}
    # 1 the profiles' offsets, 2–3 the working day 0 and 2 days ahead (one per distinct offset; the first also
    # says whether today is a working day), 4 the due steps, 5 the heads and secretariats of their units, 6 the
    # ledger rows they already have, 7 the insert of the new ones.
    first = plan_queries()
    Reminder.objects.all().delete()
    time_machine.move_to(MONDAY, tick=False)
    for n in range(5):
        submitted_proposal(proposer=proposer, title=f"Đề xuất thêm {n}")
    time_machine.move_to(morning(REVIEW_DUE), tick=False)
    assert plan_queries() == first == 7
    assert Reminder.objects.count() == 32  # sixteen review meetings due today, head and secretariat each


@pytest.mark.postgres
def test_the_due_step_query_uses_the_partial_index_of_open_steps(submitted, department):
    start = datetime.date(2026, 1, 1)
    proposal = submitted
    Step.objects.bulk_create(
        Step(proposal=proposal, kind=f"k{n}", label="Việc", due_on=start + datetime.timedelta(days=n % 600), unit=department,
             closed_at=None if n % 2 else datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
        for n in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proposals_step")
    from django.db.models import Exists, OuterRef, Q

    escalated = Reminder.objects.filter(step=OuterRef("pk"), kind="escalate", due_on=OuterRef("due_on"))
    plan = (
        Step.objects.open().filter(due_on__lte=REVIEW_DUE)
        .filter(Q(due_on__gte=REVIEW_DUE) | (Q(proposal__profile__escalate_overdue=True) & ~Exists(escalated)))
        .explain()
    )
    assert "step_open_due_idx" in plan, plan
