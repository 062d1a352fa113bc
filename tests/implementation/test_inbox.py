"""The implementation sections of the work inbox (and so of the home page's task box): "Việc triển khai được giao"
for implementers (assignments to answer, progress to record, the report due with its badge), "Đề xuất chờ bố trí
triển khai" for the head and secretariat of the deciding unit, and what the secretariat records for implementers
outside the system. A fixed number of queries whatever the number of rows.
"""

import datetime

import pytest
from django.urls import reverse

from implementation import services
from implementation.inbox import inbox_sections
from proposals.inbox import inbox_for
from proposals.transitions import Status
from tests.implementation import helpers as h
from tests.lifecycle import as_, drive_to
from tests.proposals.helpers import walked

pytestmark = pytest.mark.frozen_at(h.NOW)


def items(user, key, today=None):
    return inbox_for(user=user, today=today or h.TODAY)[key]


def expected(user, key, today=None):
    return [(i.proposal.pk, str(i.expected)) for i in items(user, key, today)]


def test_the_deciding_unit_sees_approved_proposals_to_set_up_until_started(approved, head, secretariat, deputy, proposer):
    for person in (head, secretariat):
        assert expected(person, "to_implement") == [(approved.pk, "Bố trí nguồn lực, phân công người thực hiện và người chủ trì")]
    assert items(deputy, "to_implement") == []

    h.assign(approved, head, proposer, lead=True)
    assert expected(head, "to_implement") == [(approved.pk, "Bắt đầu triển khai thực hiện (đã có người chủ trì)")]
    services.implementation_start(proposal=approved, by=head)
    assert items(head, "to_implement") == []


def test_an_implementer_is_asked_to_answer_then_to_record_progress(approved, head, proposer, deputy):
    h.assign(approved, head, deputy)
    assert expected(deputy, "implementation_tasks") == [(approved.pk, "Xác nhận nhận nhiệm vụ, hoặc từ chối (nêu lý do)")]
    h.start(approved, head, proposer)
    assert [str(i.expected) for i in items(proposer, "implementation_tasks")] == [
        "Cập nhật tiến độ thực hiện; xác nhận hoàn thành khi kết thúc"]
    h.accept(deputy.implementation_assignments.get())
    [item] = items(deputy, "implementation_tasks")
    assert str(item.expected) == "Cập nhật tiến độ thực hiện" and str(item.context) == "Phối hợp" and item.due is None


def test_a_cadre_who_refused_has_nothing_left(approved, head, deputy):
    services.assignment_answer(assignment=h.assign(approved, head, deputy), by=deputy, accept=False, reason="Bận.")
    assert items(deputy, "implementation_tasks") == []


def test_the_lead_sees_the_report_due_with_its_badge(approved, head, proposer):
    h.start(approved, head, proposer)
    h.complete(approved, proposer)

    [item] = items(proposer, "implementation_tasks")
    assert (str(item.expected), item.due, item.due_state) == ("Nộp báo cáo kết quả thực hiện (Điều 18)", datetime.date(2026, 5, 7), "on_time")
    assert items(proposer, "implementation_tasks", today=datetime.date(2026, 5, 6))[0].due_state == "due_soon"
    assert items(proposer, "implementation_tasks", today=datetime.date(2026, 5, 8))[0].due_state == "overdue"

    h.file_report(approved, proposer)
    assert items(proposer, "implementation_tasks") == []


def test_the_secretariat_records_for_implementers_outside_the_system(approved, head, secretariat):
    organisation = h.assign(approved, head, lead=True)
    assert expected(secretariat, "implementation_on_behalf") == [
        (approved.pk, "Ghi nhận trả lời phân công của cá nhân, tổ chức ngoài cơ quan")]
    h.accept(organisation, by=secretariat)
    assert items(secretariat, "implementation_on_behalf") == []

    services.implementation_start(proposal=approved, by=head)
    h.complete(approved, head)
    [item] = items(secretariat, "implementation_on_behalf")
    assert str(item.expected) == "Nộp báo cáo kết quả thay cá nhân, tổ chức chủ trì thực hiện"
    assert item.due == datetime.date(2026, 5, 7)
    assert items(head, "implementation_on_behalf") == []  # the head receives the report, the secretariat files it


def test_the_inbox_page_and_the_home_page_show_the_sections(approved, head, proposer):
    h.assign(approved, head, proposer, lead=True)
    page = as_(proposer).get(reverse("proposals:inbox")).content.decode()
    assert "Việc triển khai được giao" in page and f"/de-xuat/{approved.pk}/#trien-khai" in page
    assert "Đề xuất chờ bố trí triển khai" in as_(head).get(reverse("proposals:inbox")).content.decode()
    assert "Việc triển khai được giao" in as_(proposer).get("/").content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_the_sections_read_a_fixed_number_of_queries(calendar_2026, head, deputy, proposer, secretariat, count,
                                                      django_assert_num_queries, time_machine):
    for n in range(count):
        implementing = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
        h.assign(implementing, head, name=f"Công ty {n}")  # an outside answer to record
        h.start(implementing, head, proposer)  # progress to record
        completed = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
        h.start(completed, head, proposer)
        h.complete(completed, proposer)  # a report due, with its badge
        drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)  # one to set up
    # A query per section (positions and open steps as subqueries): 1 proposals to set up, 2 the user's assignments,
    # 3 the calendar for "due soon", once, 4 outside answers and reports to record.
    with django_assert_num_queries(4):
        sections = {s.key: s.items for s in inbox_sections(user=proposer, today=h.TODAY)}
    assert len(sections["implementation_tasks"]) == 2 * count
    with django_assert_num_queries(3):  # no due date among the head's rows: the calendar is not read
        sections = {s.key: s.items for s in inbox_sections(user=head, today=h.TODAY)}
    assert (len(sections["to_implement"]), len(sections["implementation_on_behalf"])) == (count, count)
    # Read a row at a time by keyset, each section gives the same rows in the same order.
    for user in (head, proposer):
        for section in inbox_sections(user=user, today=h.TODAY):
            assert [(i.proposal.pk, i.target) for i in walked(section)] == [(i.proposal.pk, i.target) for i in section.items]
