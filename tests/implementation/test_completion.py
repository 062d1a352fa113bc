"""CMP-3 [U] default: the lead implementer declares the actual completion date (or the head records it); the
proposal is completed and the report falls due 5 working days later (Art. 18), for the lead. While implementing,
the panel shows the planned end date of the version in force, and an "overdue report" hint once it has passed.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from implementation import services
from implementation.models import Implementation
from proposals.models import Step
from proposals.transitions import Action, Status
from tests.implementation import helpers as h
from tests.lifecycle import HANOI, as_, audit_events

pytestmark = pytest.mark.frozen_at(h.NOW)


def test_the_lead_declares_completion_and_the_report_is_due_five_working_days_later(approved, head, proposer):
    h.start(approved, head, proposer)

    services.implementation_complete(proposal=approved, by=proposer, completed_on=h.TODAY, note="Đã tổng kết.")

    assert h.fresh(approved).status == Status.COMPLETED
    assert Implementation.objects.get(proposal=approved).completed_on == h.TODAY
    step = Step.objects.open().get(proposal=approved, kind="completion_report")
    # Tue 28/04 + 5 WD, skipping the 30/04 and 01/05 holidays and the weekend (Art. 18 [C]).
    assert (step.due_on, step.person, step.unit) == (datetime.date(2026, 5, 7), proposer, approved.unit)
    [event] = audit_events(Action.COMPLETE)
    assert event.role == "implementer" and event.payload["report_due"] == "2026-05-07"


def test_the_head_may_record_the_completion_date(approved, head, proposer):
    h.start(approved, head, proposer)
    services.implementation_complete(proposal=approved, by=head, completed_on=datetime.date(2026, 4, 28))
    [event] = audit_events(Action.COMPLETE)
    assert event.role == "head"


@pytest.mark.parametrize("person", ["secretariat", "deputy"])
def test_an_implementer_who_does_not_lead_and_the_secretariat_do_not_complete(approved, head, proposer, deputy, request, person):
    h.start(approved, head, proposer)
    h.accept(h.assign(approved, head, deputy))
    with pytest.raises(PermissionDenied):
        h.complete(approved, request.getfixturevalue(person))


def test_a_lead_who_has_not_acknowledged_does_not_complete(approved, head, proposer):
    h.assign(approved, head, proposer, lead=True)
    services.implementation_start(proposal=approved, by=head)
    with pytest.raises(PermissionDenied):
        h.complete(approved, proposer)


@pytest.mark.parametrize(("day", "message"), [
    (datetime.date(2026, 4, 29), "Ngày hoàn thành không được ở tương lai."),
    (datetime.date(2026, 4, 27), "Ngày hoàn thành không được trước ngày bắt đầu triển khai (28/04/2026)."),
])
def test_the_completion_date_lies_between_the_start_and_today(approved, head, proposer, day, message):
    h.start(approved, head, proposer)
    with pytest.raises(ValidationError) as refused:
        h.complete(approved, proposer, on=day)
    assert refused.value.message_dict == {"completed_on": [message]}
    assert h.fresh(approved).status == Status.IN_IMPLEMENTATION


def test_completion_needs_the_proposal_in_implementation(approved, head, proposer):
    h.assign(approved, head, proposer, lead=True)
    with pytest.raises(ValidationError, match="Đã cho triển khai thực hiện"):
        h.complete(approved, head)


def test_the_completion_form_is_prefilled_with_today_and_shows_errors_next_to_the_field(approved, head, proposer):
    h.start(approved, head, proposer)
    form = h.offered(approved, proposer)["implementation_complete"]
    assert form.initial == {"completed_on": h.TODAY}

    response = as_(proposer).post(h.url("implementation_complete", approved.pk), {"complete-completed_on": "29/04/2026"})
    assert response.status_code == 200 and "Ngày hoàn thành không được ở tương lai." in response.content.decode()
    response = as_(proposer).post(h.url("implementation_complete", approved.pk), {"complete-completed_on": "28/04/2026"})
    assert response.status_code == 302 and h.fresh(approved).status == Status.COMPLETED


def test_the_panel_shows_the_planned_end_and_flags_an_overdue_report_once_it_passed(approved, head, proposer, time_machine):
    h.start(approved, head, proposer)
    html = h.panel_html(approved, head)
    assert "Thời gian kết thúc theo kế hoạch" in html and "31/12/2026" in html
    assert "quá hạn báo cáo" not in html

    time_machine.move_to(datetime.datetime(2027, 1, 4, 9, 0, tzinfo=HANOI), tick=False)
    html = h.panel_html(approved, head)
    assert "Đã quá thời gian kết thúc theo kế hoạch (31/12/2026) nhưng chưa xác nhận hoàn thành" in html
    assert "quá hạn báo cáo" in html


def test_the_panel_shows_the_report_due_date_with_its_badge(approved, head, proposer, time_machine):
    h.start(approved, head, proposer)
    h.complete(approved, proposer)
    html = h.panel_html(approved, head)
    assert "Hạn nộp báo cáo kết quả" in html and "07/05/2026" in html and "badge-due-ontime" in html
    time_machine.move_to(datetime.datetime(2026, 5, 8, 9, 0, tzinfo=HANOI), tick=False)
    assert "badge-due-overdue" in h.panel_html(approved, head)
