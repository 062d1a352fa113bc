"""The public register (decree73.md Art. 4(4); spec README §1 "Public: reads the public register of approved and
completed proposals that a head chose to publish"): open without login, in Vietnamese, searchable without
accents, filtered by unit and year, paged by keyset; it shows only the summaries heads published and never a
plan, a file, a person's name or anything of a proposal that is not published.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Position
from core.models import AuditEvent
from proposals.services import attachment_add, proposal_submit
from publication import selectors, services
from publication.models import Publication
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import HANOI, PDF_BYTES, as_, complete_plan, draft_proposal, submitted_proposal, uploaded_file
from tests.publication.helpers import SUMMARY, approve, publish, url


def rows_on(html: str) -> int:
    return html.count('<article class="card mb-3"')


def test_anyone_reads_the_list_and_a_summary_without_signing_in(published, approved, client):
    listing = client.get(url("list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Công khai đề xuất đổi mới, sáng tạo" in html and published.title in html
    assert f'href="{url("detail", approved.pk)}"' in html

    page = client.get(url("detail", approved.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert published.title in text and SUMMARY in text and "Sở Nội vụ tỉnh Quảng Ninh" in text
    assert f"Số {published.decision_number} ngày 10/03/2026" in text and "Cải cách hành chính" in text


def test_the_public_pages_show_no_plan_no_file_and_no_name(clock, proposer, head, deputy, secretariat, client):
    draft = draft_proposal(proposer=proposer)
    attachment_add(proposal=draft, by=proposer, uploaded_file=uploaded_file("phu-luc-mat.pdf", PDF_BYTES))
    approved = approve_existing(proposal_submit(proposal=draft, by=proposer), head=head, deputy=deputy)
    publish(approved, head)
    plan = complete_plan()

    for html in (client.get(url("list")).content.decode(), client.get(url("detail", approved.pk)).content.decode()):
        for person in (proposer, head, deputy, secretariat):
            assert person.get_full_name() not in html
        for name in ("necessity", "bottleneck", "legal_references", "resources", "feasibility", "indicators"):
            assert plan[name] not in html
        assert "phu-luc-mat" not in html and approved.code not in html
        assert reverse("proposals:detail", args=[approved.pk]) not in html


def approve_existing(proposal, *, head, deputy):
    from approvals.models import Vote
    from approvals.services import decision_approve
    from tests.lifecycle import APPROVAL_TEXT, fresh, meeting_with_votes

    meeting_with_votes(proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.FOR}, close=True)
    decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)
    return fresh(proposal)


@pytest.mark.parametrize("persona", [None, "proposer", "head", "inspector"])
def test_nothing_unpublished_is_shown_to_anonymous_or_signed_in_readers(clock, proposer, head, deputy, secretariat,
                                                                          inspector, persona, request, client):
    draft = draft_proposal(proposer=proposer, title="Dự thảo chưa nộp")
    submitted = submitted_proposal(proposer=proposer, title="Đề xuất đang chờ xem xét")
    unpublished = approve(proposer=proposer, head=head, deputy=deputy, title="Đề xuất đã duyệt nhưng chưa công khai")
    withdrawn = approve(proposer=proposer, head=head, deputy=deputy, title="Đề xuất đã gỡ công khai")
    publish(withdrawn, head)
    services.publication_withdraw(proposal=withdrawn, by=head, reason="Cần rà soát lại nội dung.")
    reader = as_(request.getfixturevalue(persona)) if persona else client

    for proposal in (draft, submitted, unpublished, withdrawn):
        assert reader.get(url("detail", proposal.pk)).status_code == 404
    assert reader.get(url("detail", withdrawn.pk + 1000)).status_code == 404
    html = reader.get(url("list")).content.decode()
    for proposal in (draft, submitted, unpublished, withdrawn):
        assert proposal.title not in html
    assert "Cần rà soát lại nội dung." not in html and "Chưa có đề xuất nào được công khai." in html


def test_the_search_ignores_accents_and_case(published, client):
    html = client.get(url("list"), {"q": "LIEN THONG dien tu"}).content.decode()
    assert rows_on(html) == 1 and published.title in html
    html = client.get(url("list"), {"q": "cổng tiếp nhận"}).content.decode()  # a word of the summary
    assert rows_on(html) == 1
    html = client.get(url("list"), {"q": "y tế"}).content.decode()
    assert rows_on(html) == 0 and "Không có đề xuất công khai phù hợp với điều kiện tìm kiếm." in html


@pytest.fixture
def two_units(clock, time_machine, proposer, head, deputy, other_unit):
    """One summary of the Sở Nội vụ decided in 2026, one of the Sở Tài chính decided in 2025."""
    mine = publish(approve(proposer=proposer, head=head, deputy=deputy, title="Đề xuất của Sở Nội vụ"), head)
    time_machine.move_to(datetime.datetime(2025, 6, 10, 9, 0, tzinfo=HANOI), tick=True)
    other_head = UserFactory(username="giamdocstc")
    PositionFactory(person=other_head, unit=other_unit, role=Position.Role.HEAD, title="Giám đốc")
    other_proposer = UserFactory(username="truongphongstc")
    PositionFactory(person=other_proposer, unit=other_unit, role=Position.Role.STAFF, title="Trưởng phòng")
    theirs = publish(approve(proposer=other_proposer, head=other_head, title="Đề xuất của Sở Tài chính"), other_head)
    return mine, theirs


def test_the_list_filters_by_unit_and_by_year_of_the_decision(two_units, department, other_unit, client):
    mine, theirs = two_units
    html = client.get(url("list")).content.decode()
    assert rows_on(html) == 2 and html.index(theirs.title) < html.index(mine.title)  # newest published first
    assert f'<option value="{department.pk}"' in html and f'<option value="{other_unit.pk}"' in html
    assert '<option value="2026"' in html and '<option value="2025"' in html

    html = client.get(url("list"), {"don_vi": other_unit.pk}).content.decode()
    assert rows_on(html) == 1 and theirs.title in html and mine.title not in html
    html = client.get(url("list"), {"nam": 2026}).content.decode()
    assert rows_on(html) == 1 and mine.title in html
    html = client.get(url("list"), {"nam": 2026, "don_vi": other_unit.pk}).content.decode()
    assert rows_on(html) == 0


def test_an_unknown_filter_value_is_ignored_not_an_error(published, client):
    response = client.get(url("list"), {"don_vi": "abc", "nam": "1999", "truoc": "x"})
    assert response.status_code == 200 and rows_on(response.content.decode()) == 1


def _rows(proposer, count: int) -> list[Publication]:
    """`count` live summaries, written straight to the table: the list reads only these rows (the services that
    create them are tested in test_rules), and a real approval per row would render two PDFs each."""
    proposal = draft_proposal(proposer=proposer)
    now = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=HANOI)
    rows = []
    for number in range(count):
        rows.append(Publication.objects.create(
            proposal=proposal if number == 0 else draft_proposal(proposer=proposer), unit=proposal.unit,
            field=proposal.field, title=f"Tóm tắt số {number}", summary=SUMMARY, decision_number=f"{number + 1}/QĐ-SNV",
            decision_date=now.date(), confirmed_not_secret=True, published_at=now, published_by=proposer,
        ))
    return rows


def test_the_list_pages_by_keyset_keeping_the_filters(clock, proposer, client, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    rows = _rows(proposer, 5)

    first = client.get(url("list"), {"q": "tom tat"}).content.decode()
    assert rows_on(first) == 2 and rows[4].title in first and rows[3].title in first
    assert f'href="?q=tom+tat&amp;truoc={rows[3].pk}"' in first and "Về trang đầu" not in first
    second = client.get(url("list"), {"q": "tom tat", "truoc": rows[3].pk}).content.decode()
    assert rows_on(second) == 2 and rows[2].title in second and rows[1].title in second
    assert 'href="?q=tom+tat"' in second  # back to the first page, filters kept
    last = client.get(url("list"), {"q": "tom tat", "truoc": rows[1].pk}).content.decode()
    assert rows_on(last) == 1 and rows[0].title in last and "Xem tiếp" not in last


@pytest.mark.parametrize("count", [1, 25])
def test_the_public_list_costs_three_queries_whatever_the_rows(clock, proposer, client, count, django_assert_num_queries):
    _rows(proposer, count)
    # units with a live summary (1), years of their decisions (1), one page of summaries with their units (1)
    with django_assert_num_queries(3):
        response = client.get(url("list"))
    assert rows_on(response.content.decode()) == min(count, selectors.PAGE_SIZE)


def test_the_public_summary_costs_one_query(published, approved, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(url("detail", approved.pk)).status_code == 200


def test_the_public_pages_only_answer_get(published, approved, client):
    assert client.post(url("list")).status_code == 405
    assert client.post(url("detail", approved.pk)).status_code == 405


def test_signed_in_users_find_the_register_in_the_navigation(approved, proposer, outsider):
    for person in (proposer, outsider):
        html = as_(person).get(reverse("core:home")).content.decode()
        assert f'href="{url("list")}">Công khai</a>' in html


def test_reading_the_register_writes_nothing(published, approved, client):
    before = AuditEvent.objects.count()
    client.get(url("list"))
    client.get(url("detail", approved.pk))
    assert AuditEvent.objects.count() == before
