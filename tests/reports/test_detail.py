"""The annual report's detail sheet (spec reports.md "Detail sheet", reports.detail): one row per proposal of the
subtree received in the period, carrying the facts its lifecycle recorded; read in keyset chunks with one query per
kind of fact for the whole chunk, so that neither memory nor the number of queries grows with the proposals.

The clock stands on Monday 02/03/2026 09:00 in Hà Nội (tests/evaluation/helpers.NOW), the 2026 calendar seeded:
every proposal below is submitted, decided, implemented, reported and evaluated that day through the services.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Position
from approvals.models import Vote
from core.workdays import seed_year
from evaluation import services as evaluation
from evaluation.models import EncouragementForm, Measure
from evaluation.selectors import parties
from implementation import services as implementation
from implementation.models import Resource
from incidents.models import Incident
from incidents.services import incident_report
from proposals.transitions import Status
from reports.detail import DETAIL_COLUMNS, detail_rows
from reports.periods import year_period
from tests.evaluation import helpers as eh
from tests.factories import PositionFactory
from tests.implementation import helpers as ih
from tests.lifecycle import HANOI, drive_to, fresh, meeting_with_votes, submitted_proposal

pytestmark = pytest.mark.frozen_at(eh.NOW)

YEAR = year_period(2026)
KEYS = [key for key, _title in DETAIL_COLUMNS]
# Per chunk: the proposals, then their implementations, completion reports, closed evaluation meetings,
# conclusions, closed review meetings, final decisions, resources, steps, protection, encouragement, incidents.
QUERIES_PER_CHUNK = 12


@pytest.fixture(autouse=True)
def _calendar_2026(db):
    seed_year(2025)
    seed_year(2026)


def as_dict(row: list) -> dict:
    assert len(row) == len(DETAIL_COLUMNS)
    return dict(zip(KEYS, row, strict=True))


def rows_of(root, period=YEAR, **kwargs) -> list[dict]:
    return [as_dict(row) for row in detail_rows(root, period, **kwargs)]


def closed_case(*, proposer, head, deputy, secretariat):
    """A proposal taken through every stage on one day: approved by the collective, resources allocated, implemented
    by its proposer, reported, evaluated at a meeting and concluded completed; protection and a commendation for
    the proposer; one incident reported about it."""
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    implementation.resource_record(proposal=proposal, by=secretariat, kind=Resource.Kind.FUNDS, amount=450_000_000,
                                   description="Kinh phí năm đầu", budget_source="Ngân sách chi thường xuyên")
    implementation.resource_record(proposal=proposal, by=secretariat, kind=Resource.Kind.FUNDS, amount=50_000_000,
                                   description="Kinh phí bổ sung", budget_source="Ngân sách chi thường xuyên")
    implementation.resource_record(proposal=proposal, by=secretariat, kind=Resource.Kind.PEOPLE,
                                   description="04 công chức kiêm nhiệm")
    implementation.resource_record(proposal=proposal, by=secretariat, kind=Resource.Kind.EQUIPMENT,
                                   description="02 máy quét tài liệu")
    ih.start(proposal, head, proposer)
    ih.complete(proposal, proposer, on=eh.TODAY)
    ih.file_report(proposal, proposer)
    eh.evaluated(fresh(proposal), head, deputy)
    proposer_party = next(p for p in parties(fresh(proposal)) if p.person is not None and p.person.pk == proposer.pk)
    evaluation.protection_record(proposal=proposal, by=head, party=proposer_party.key, measure=Measure.NO_LIABILITY,
                                 addressee="Hội đồng kỷ luật tỉnh Quảng Ninh")
    evaluation.encouragement_record(proposal=proposal, by=head, party=proposer_party.key,
                                    form=EncouragementForm.COMMENDATION)
    incident_report(by=proposer, kind=Incident.Kind.OBSTRUCTION, proposal=fresh(proposal),
                    reported_text="Trưởng phòng Hành chính", description="Không cung cấp số liệu cho tổ triển khai.")
    return fresh(proposal)


def test_a_proposal_taken_through_every_stage_carries_each_fact_of_its_lifecycle(
    province, proposer, leaders, secretariat,
):
    head, deputy, _deputy2 = leaders
    proposal = closed_case(proposer=proposer, head=head, deputy=deputy, secretariat=secretariat)

    [row] = rows_of(province)

    day = eh.TODAY
    assert row["code"] == proposal.code and row["title"] == proposal.title
    assert row["unit"] == "Sở Nội vụ tỉnh Quảng Ninh"
    assert row["proposer"] == proposer.get_full_name() and row["proposer_title"] == "Trưởng phòng"
    assert row["proposer_category"] == "Cán bộ, công chức lãnh đạo, quản lý trong cơ quan hành chính nhà nước"
    assert row["route"] == "Khoản 3 Điều 7" and row["field"] == "Cải cách hành chính"
    assert row["received_on"] == day and row["review_due"] == proposal.review_due > day
    # The review meeting (Art. 8(1)): both members present voted for; no tie.
    assert (row["meeting_on"], row["meeting_on_time"]) == (day, "Trong hạn")
    assert (row["votes_for"], row["votes_against"], row["votes_abstain"], row["denominator"]) == (2, 0, 0, 2)
    assert row["tie_applied"] == "Không"
    decision = proposal.decisions.get()
    assert (row["basis"], row["decision_number"], row["decision_on"]) == ("Tập thể thông qua", decision.number, day)
    assert (row["started_on"], row["completed_on"]) == (day, day)
    # Two allocations of funds are added up; people and equipment are counted.
    assert (row["funds"], row["people"], row["equipment"]) == (500_000_000, 1, 1)
    assert row["status"] == "Đã có kết luận đánh giá"
    assert (row["report_on"], row["report_on_time"]) == (day, "Trong hạn")
    assert (row["evaluated_on"], row["evaluation_on_time"]) == (day, "Trong hạn")
    assert (row["outcome"], row["damage"], row["damage_vnd"]) == ("Hoàn thành", "Không", None)
    assert (row["right_policy"], row["pure_motive"], row["common_good"]) == ("Có", "Có", "Có")
    assert row["protection"] == f"{proposer.get_full_name()}: Không bị xử lý trách nhiệm theo pháp luật có liên quan"
    assert row["encouragement"] == f"{proposer.get_full_name()}: Biểu dương trước tập thể cơ quan, đơn vị"
    assert row["incidents"] == 1


def test_a_rejection_a_tie_and_a_plan_still_waiting_say_only_what_happened(province, proposer, leaders):
    head, deputy, _deputy2 = leaders
    rejected = drive_to(Status.REJECTED, proposer=proposer, head=head, deputy=deputy)
    tied = submitted_proposal(proposer=proposer, title="Thí điểm một cửa liên thông cấp xã")
    meeting_with_votes(proposal=tied, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.AGAINST}, close=True)
    waiting = submitted_proposal(proposer=proposer, title="Số hóa hồ sơ cán bộ")

    rows = {row["code"]: row for row in rows_of(province)}

    assert rows[rejected.code]["basis"] == "Không chấp thuận"
    assert rows[rejected.code]["votes_against"] == 2 and rows[rejected.code]["status"] == "Không chấp thuận"
    # Art. 8(1): one for, one against; the head's side prevails.
    assert (rows[tied.code]["votes_for"], rows[tied.code]["votes_against"], rows[tied.code]["tie_applied"]) == (1, 1, "Có")
    assert rows[tied.code]["basis"] is None and rows[tied.code]["status"] == "Tập thể thông qua, chờ quyết định"
    waiting_row = rows[waiting.code]
    assert waiting_row["status"] == "Đã nộp, chờ xem xét"
    assert all(waiting_row[key] is None for key in (
        "meeting_on", "meeting_on_time", "votes_for", "basis", "decision_number", "started_on", "funds", "report_on",
        "evaluated_on", "outcome", "damage", "protection", "encouragement",
    ))
    assert waiting_row["incidents"] == 0


def test_returns_are_counted_per_proposal(province, proposer, leaders):
    """Review D-8: each return before a decision is counted and the count is in the reports."""
    head, deputy, _deputy2 = leaders
    returned = drive_to(Status.RETURNED, proposer=proposer, head=head, deputy=deputy)
    waiting = submitted_proposal(proposer=proposer, title="Số hóa hồ sơ cán bộ")
    rows = {row["code"]: row for row in rows_of(province)}
    assert (rows[returned.code]["returns"], rows[waiting.code]["returns"]) == (1, 0)


def test_a_proposal_referred_upward_says_so(province, proposer, leaders):
    """Art. 4(2) (review D-5): a proposal beyond the unit's authority ends with the referral letter."""
    head, deputy, _deputy2 = leaders
    referred = drive_to(Status.REFERRED, proposer=proposer, head=head, deputy=deputy)
    row = {row["code"]: row for row in rows_of(province)}[referred.code]
    assert row["basis"] == "Vượt thẩm quyền, báo cáo cấp có thẩm quyền"
    assert row["decision_number"] == referred.decisions.get().number
    assert row["status"] == "Vượt thẩm quyền, đã báo cáo cấp có thẩm quyền"


def test_a_meeting_held_after_the_review_due_date_is_late(province, proposer, leaders, time_machine):
    head, deputy, _deputy2 = leaders
    proposal = submitted_proposal(proposer=proposer)
    time_machine.move_to(datetime.datetime(2026, 3, 16, 9, 0, tzinfo=HANOI), tick=False)  # 10 working days later
    meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.FOR},
                       held_on=datetime.date(2026, 3, 16), close=True)

    [row] = rows_of(province)

    assert row["review_due"] < row["meeting_on"] == datetime.date(2026, 3, 16)
    assert row["meeting_on_time"] == "Quá hạn"


def test_only_the_subtree_and_the_period_are_listed_in_the_order_received(
    province, department, other_unit, proposer, outsider, leaders, time_machine,
):
    PositionFactory(unit=other_unit, role=Position.Role.HEAD, title="Giám đốc")
    time_machine.move_to(datetime.datetime(2025, 12, 31, 23, 30, tzinfo=HANOI), tick=False)
    last_year = submitted_proposal(proposer=proposer, title="Nhận ngày 31/12/2025")
    time_machine.move_to(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=HANOI), tick=False)
    january = submitted_proposal(proposer=proposer, title="Nhận ngày 05/01/2026")
    time_machine.move_to(eh.NOW, tick=False)
    march = submitted_proposal(proposer=proposer, title="Nhận ngày 02/03/2026")
    other_unit = submitted_proposal(proposer=outsider, title="Của Sở Tài chính")

    assert [row["title"] for row in rows_of(department)] == [january.title, march.title]
    assert [row["title"] for row in rows_of(province)] == [january.title, march.title, other_unit.title]
    assert [row["title"] for row in rows_of(province, year_period(2025))] == [last_year.title]


@pytest.mark.parametrize("chunk", [1, 2, 3])
def test_chunk_boundaries_lose_and_repeat_nothing(province, proposer, leaders, time_machine, chunk):
    # Two days, several proposals on each: chunks end inside a day and on a day's edge.
    expected = []
    for day, count in ((datetime.date(2026, 2, 24), 3), (datetime.date(2026, 2, 26), 4)):
        time_machine.move_to(datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=HANOI), tick=False)
        expected += [submitted_proposal(proposer=proposer, title=f"Đề xuất {day:%d/%m} số {n}").code for n in range(count)]

    codes = [row["code"] for row in rows_of(province, chunk=chunk)]

    assert codes == [row["code"] for row in rows_of(province, chunk=2000)]
    assert sorted(codes) == sorted(expected) and len(set(codes)) == 7


def test_the_queries_are_a_fixed_number_per_chunk_whatever_the_proposals(
    province, proposer, leaders, secretariat, django_assert_num_queries,
):
    head, deputy, _deputy2 = leaders
    closed_case(proposer=proposer, head=head, deputy=deputy, secretariat=secretariat)
    drive_to(Status.REJECTED, proposer=proposer, head=head, deputy=deputy)

    with django_assert_num_queries(QUERIES_PER_CHUNK):
        assert len(list(detail_rows(province, YEAR))) == 2

    closed_case(proposer=proposer, head=head, deputy=deputy, secretariat=secretariat)
    for _ in range(2):
        drive_to(Status.REJECTED, proposer=proposer, head=head, deputy=deputy)
    with CaptureQueriesContext(connection) as more:
        assert len(list(detail_rows(province, YEAR))) == 5
    assert len(more.captured_queries) == QUERIES_PER_CHUNK

    # Chunks of two: three chunks, the last one short (no query after it).
    with django_assert_num_queries(3 * QUERIES_PER_CHUNK):
        in_twos = list(detail_rows(province, YEAR, chunk=2))
    # Each chunk finds its own facts among those of the days it spans, and only its own.
    assert in_twos == list(detail_rows(province, YEAR, chunk=1)) == list(detail_rows(province, YEAR))
    assert [row[KEYS.index("basis")] for row in in_twos].count("Tập thể thông qua") == 2


def test_an_empty_period_costs_one_query(province, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert list(detail_rows(province, YEAR)) == []
