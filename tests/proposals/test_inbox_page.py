"""The work inbox (spec README §4): what waits for each persona, with its due badge, linked to where the work
is done, in a fixed number of queries.

Personas come from tests/conftest.py: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province); `draft` and the files come
from tests/proposals/conftest.py. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội: a plan received that day
is due for review on Thursday 19/03/2026 (tests/proposals/helpers.py).
"""

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse

from approvals import services as approvals
from approvals.models import Meeting
from core.models import Notification
from proposals import inbox as inbox_module
from proposals.home import HOME_ROWS
from proposals.inbox import PREVIEW_SIZE, InboxItem, inbox_for
from proposals.models import Proposal
from tests.lifecycle import HANOI, as_, draft_proposal, new_profile_version, open_meeting, submitted_proposal
from tests.proposals.helpers import NOW, REVIEW_DUE, url, walked

pytestmark = pytest.mark.frozen_at(NOW)


def test_inbox_shows_the_heads_pending_proposal_with_what_is_expected(head, submitted):
    response = as_(head).get(url("inbox"))
    assert response.status_code == 200
    [item] = response.context["inbox"]["to_decide"]
    assert item.proposal == submitted and item.due == REVIEW_DUE and item.due_state == "on_time"
    # D-13, Art. 4(3): the party committee's opinion comes before approving, so the meeting may come first.
    assert str(item.expected) == "Tổ chức họp tập thể lãnh đạo"
    body = response.content.decode()
    assert submitted.title in body and "19/03/2026" in body and "badge-due-ontime" in body


def test_inbox_asks_for_the_party_opinion_first_where_the_profile_wants_it_before_the_meeting(head, secretariat):
    """D-13: a unit whose profile asks the opinion before the meeting sees that step first."""
    new_profile_version(consultation_before="meeting")
    proposal = submitted_proposal(proposer=secretariat)
    [item] = as_(head).get(url("inbox")).context["inbox"]["to_decide"]
    assert item.proposal == proposal and str(item.expected) == "Ghi nhận ý kiến cấp ủy"


def test_inbox_shows_a_deputys_pending_vote_until_the_vote_is_cast(head, deputy, submitted):
    approvals.consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    meeting = open_meeting(proposal=submitted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    client = as_(deputy)
    [item] = client.get(url("inbox")).context["inbox"]["to_vote"]
    assert item.target == meeting and item.proposal == submitted
    assert "Biểu quyết tại cuộc họp tập thể lãnh đạo" in client.get(url("inbox")).content.decode()

    approvals.vote_cast(meeting=meeting, by=deputy, choice="for")
    assert client.get(url("inbox")).context["inbox"]["to_vote"] == []
    assert Meeting.objects.get().state == Meeting.State.OPEN


def test_inbox_tells_the_secretariat_to_hold_the_meeting_after_consultation(head, secretariat, submitted):
    approvals.consultation_record(proposal=submitted, by=secretariat, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    [item] = as_(secretariat).get(url("inbox")).context["inbox"]["to_decide"]
    assert str(item.expected) == "Tổ chức họp tập thể lãnh đạo"


def test_inbox_shows_the_proposers_drafts_and_returned_plans(proposer, head, submitted):
    draft = draft_proposal(proposer=proposer, title="Dự thảo mới")
    approvals.proposal_return(proposal=submitted, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.", incomplete_items=["scope", "resources"])
    inbox = as_(proposer).get(url("inbox")).context["inbox"]
    assert {item.proposal for item in inbox["mine"]} == {draft, submitted}
    assert inbox["to_decide"] == [] and inbox["to_vote"] == []


def test_inbox_sections_share_one_partial_with_their_own_columns(head, deputy, proposer, submitted):
    approvals.consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    open_meeting(proposal=submitted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    other = submitted_proposal(proposer=proposer, title="Đề xuất thứ hai")

    response = as_(head).get(url("inbox"))

    assert [t.name for t in response.templates].count("proposals/partials/inbox_section.html") == 2
    body = response.content.decode()
    assert 'id="cho-xu-ly-heading"' in body and 'id="bieu-quyet-heading"' in body
    assert "Ngày họp" in body and other.title in body


def test_inbox_rows_lead_to_where_the_work_is_done_on_the_proposal_page(head, deputy, proposer, submitted):
    approvals.consultation_record(proposal=submitted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    meeting = open_meeting(proposal=submitted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    other = submitted_proposal(proposer=proposer, title="Đề xuất thứ hai")
    draft = draft_proposal(proposer=proposer, title="Dự thảo mới")

    decide = as_(head).get(url("inbox")).content.decode()
    vote = as_(deputy).get(url("inbox")).content.decode()
    mine = as_(proposer).get(url("inbox")).content.decode()

    # The decision panel, the meeting to vote at (inside the panel), the proposer's own buttons.
    assert f'href="{url("detail", other.pk)}#xet-duyet"' in decide
    assert f'href="{url("detail", submitted.pk)}#cuoc-hop-{meeting.pk}"' in vote
    assert f'href="{url("detail", draft.pk)}#thao-tac"' in mine
    assert f'id="cuoc-hop-{meeting.pk}"' in as_(deputy).get(url("detail", submitted.pk)).content.decode()
    assert 'id="thao-tac"' in as_(proposer).get(url("detail", draft.pk)).content.decode()


def test_submitting_the_plan_asks_for_confirmation_first(proposer, draft):
    client = as_(proposer)
    for page in (client.get(url("detail", draft.pk)), client.get(url("edit", draft.pk))):
        body = page.content.decode()
        assert 'data-confirm="Nộp kế hoạch? Sau khi nộp' in body
        assert "js/confirm.js" in body
    # Saving the draft from the same form is not asked: only the submit button carries the question.
    edit = client.get(url("edit", draft.pk)).content.decode()
    assert edit.count("data-confirm=") == 1 and f'formaction="{url("submit", draft.pk)}" data-confirm=' in edit


def test_a_proposal_voted_on_time_is_not_overdue_while_the_decision_is_prepared(head, deputy, proposer):
    waiting = submitted_proposal(proposer=proposer, title="Chưa họp")
    voted = submitted_proposal(proposer=proposer, title="Đã họp và biểu quyết")
    approvals.consultation_record(proposal=voted, by=head, committee="Đảng ủy Sở Nội vụ",
                                  opinion_date=NOW.date(), opinion="Đồng ý chủ trương.")
    meeting = open_meeting(proposal=voted, by=head, held_on=NOW.date(), attendees=[head, deputy])
    approvals.vote_cast(meeting=meeting, by=head, choice="for")
    approvals.vote_cast(meeting=meeting, by=deputy, choice="for")
    approvals.meeting_close(meeting=meeting, by=head)
    client = as_(head)

    # The day after the review due date (Thu 19/03/2026): only the plan never put to the collective is late.
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=HANOI), tick=False):
        overdue = {p.title for p in client.get(url("list"), {"overdue": "on"}).context["page"]}
        inbox = {item.proposal.title: item.due_state for item in client.get(url("inbox")).context["inbox"]["to_decide"]}
        waiting_page = client.get(url("detail", waiting.pk)).content.decode()
        voted_page = client.get(url("detail", voted.pk)).content.decode()

    assert overdue == {"Chưa họp"}
    assert inbox == {"Chưa họp": "overdue", "Đã họp và biểu quyết": None}
    assert "badge-due-overdue" in waiting_page and "Quá hạn" in waiting_page
    assert "badge-due-overdue" not in voted_page and "Quá hạn" not in voted_page


def test_inbox_of_an_outsider_is_empty(outsider, submitted):
    response = as_(outsider).get(url("inbox"))
    assert len(response.context["inbox"]) == 0
    assert "Hiện không có việc nào cần bạn xử lý." in response.content.decode()


@pytest.mark.parametrize("count", [3, 10, 11, 25])
def test_inbox_query_count_does_not_grow_with_rows(django_assert_num_queries, head, deputy, proposer, count):
    for n in range(count):
        proposal = submitted_proposal(proposer=proposer, title=f"Đề xuất {n}")
        if n == 0:
            approvals.consultation_record(proposal=proposal, by=head, committee="Đảng ủy", opinion_date=NOW.date(), opinion="Đồng ý.")
            open_meeting(proposal=proposal, by=head, held_on=NOW.date(), attendees=[head, deputy])
    client = as_(head)
    # 1 session, 2 user, 3 positions held today with the Art. 2 categories of the profile in force as a subquery
    # (navbar; the incidents section reads the units whose incidents the user handles from them), 4 the navigation's
    # badges: the unread notifications and every section's rows counted (bounded), which the page shows too; then
    # the first rows of each section that has any, a query each: 5 proposals to decide (unit, proposer, profile
    # joined; consultation as EXISTS), 6 calendar days for "due soon" (once, not per row), 7 open meetings to vote
    # in (approvals). The sections with no rows (set-up, assignments, suspended, outside implementers, evaluation,
    # own drafts) read nothing, and no section counts its rows again.
    with django_assert_num_queries(7):
        response = client.get(url("inbox"))
    assert len(response.context["inbox"]["to_decide"]) == min(count, PREVIEW_SIZE)
    assert len(response.context["inbox"]["to_vote"]) == 1


# --- Bounded sections, each alone a page at a time (issue 10) -----------------------------------------------------


def _many_to_decide(proposer, count: int) -> list[int]:
    """`count` proposals awaiting the head's decision, in the section's order: the review due date, then the oldest,
    then the primary key. A third of them due earlier; the others share a due date and a creation time."""
    pks = [submitted_proposal(proposer=proposer, title=f"Đề xuất {n:02}").pk for n in range(count)]
    Proposal.objects.filter(pk__in=pks[1::3]).update(review_due=REVIEW_DUE - datetime.timedelta(days=1))
    return list(Proposal.objects.filter(pk__in=pks).order_by("review_due", "created_at", "pk").values_list("pk", flat=True))


def test_an_empty_section_builds_no_query(head, submitted):
    """The badge's statement, compiled on the first page, counted the sections: on the next one, the sections it
    found empty build no queryset (issue 10: building them cost ~8 ms of the inbox and the home page)."""
    client = as_(head)
    client.get(url("inbox"))
    for page in (url("inbox"), reverse("core:home")):
        sections = client.get(page).wsgi_request._inbox_sections
        built = {section.key for section in sections if "rows" in section.__dict__}
        assert built == {"to_decide"}, page


def test_a_section_shows_its_first_rows_its_count_and_a_link_to_all(head, proposer):
    expected = _many_to_decide(proposer, PREVIEW_SIZE + 2)
    response = as_(head).get(url("inbox"))

    section = response.context["inbox"].section("to_decide")
    assert [item.proposal.pk for item in section.items] == expected[:PREVIEW_SIZE]
    assert (section.count, section.count_more) == (PREVIEW_SIZE + 2, False)
    body = response.content.decode()
    all_url = f'{url("inbox")}?muc=to_decide'
    assert body.count(f'href="{all_url}"') == 1 and "Xem tất cả" in body
    # The summary at the top leads to each section with its count.
    assert 'href="#cho-xu-ly">Đề xuất chờ cơ quan xem xét, quyết định</a> <span class="badge text-bg-secondary">12</span>' in body
    assert 'id="cho-xu-ly"' in body


def test_the_inbox_page_badges_count_what_every_other_page_counts(head, proposer, monkeypatch):
    """The inbox page shows its sections' counts from the navigation's badge query (core.badges.section_counts),
    the figures every other page shows: a section with more rows than it shows included, and "99+" beyond the
    badge's limit."""
    _many_to_decide(proposer, PREVIEW_SIZE + 2)
    Notification.objects.create(recipient=head, message="Một thông báo.")
    client = as_(head)

    def badges(path: str) -> tuple[str, str]:
        body = client.get(path).content.decode()
        tasks = re.search(r'nav-count">([^<]+)<', body).group(1)
        unread = re.search(r'text-bg-warning">([^<]+)<', body).group(1)
        return tasks, unread

    assert badges(url("inbox")) == badges(url("list")) == ("12", "1")
    monkeypatch.setattr("core.badges.TASKS_LIMIT", 5)
    monkeypatch.setattr("core.templatetags.navigation.TASKS_LIMIT", 5)
    assert badges(url("inbox"))[0] == badges(url("list"))[0] == "5+"


def test_a_section_shows_no_link_to_all_when_every_row_is_shown(head, submitted):
    body = as_(head).get(url("inbox")).content.decode()
    assert "?muc=" not in body and "Xem tất cả" not in body


def test_counts_past_the_limit_read_as_more_than_on_the_inbox_and_the_home_page(head, proposer, monkeypatch):
    monkeypatch.setattr(inbox_module, "COUNT_LIMIT", 11)
    _many_to_decide(proposer, 13)
    inbox = as_(head).get(url("inbox")).content.decode()
    home = as_(head).get(reverse("core:home")).content.decode()
    assert inbox.count('<span class="badge text-bg-secondary">hơn 11</span>') == 2  # the summary and the heading
    # The home page counts no further than the rows it reads anyway (a section's first 10): no count query.
    assert '<span class="badge text-bg-primary">hơn 10</span>' in home


def test_a_section_past_what_the_badge_counts_is_counted_on_its_own(head, proposer, monkeypatch):
    """The badge's query counts each section up to core.badges.ROWS_COUNTED rows: past it, when the inbox's own limit
    is higher, the section counts its rows with a query of its own rather than show the badge's bound."""
    monkeypatch.setattr("core.badges.ROWS_COUNTED", 5)
    monkeypatch.setattr(inbox_module, "ROWS_COUNTED", 5)
    _many_to_decide(proposer, 13)
    body = as_(head).get(url("inbox")).content.decode()
    assert body.count('<span class="badge text-bg-secondary">13</span>') == 2  # the summary and the heading


def test_the_home_page_counts_a_section_exactly_up_to_its_first_rows(head, proposer):
    _many_to_decide(proposer, 10)
    assert '<span class="badge text-bg-primary">10</span>' in as_(head).get(reverse("core:home")).content.decode()


def test_the_home_page_reads_only_the_rows_it_shows(head, proposer, monkeypatch):
    """Its count comes from the navigation badge's query: the home page reads 5 rows of a section, not the inbox's 10."""
    _many_to_decide(proposer, 12)
    read = []
    page = inbox_module.InboxSection.page
    monkeypatch.setattr(inbox_module.InboxSection, "page", lambda section, **kwargs: read.append(kwargs) or page(section, **kwargs))
    body = as_(head).get(reverse("core:home")).content.decode()
    assert read == [{"size": HOME_ROWS}]
    assert '<span class="badge text-bg-primary">hơn 10</span>' in body and "Xem tất cả" in body


def test_an_inbox_row_gives_its_link_badge_and_context_as_shown():
    """What the rows' template prints for each row comes from the item, not from an include or a tag per row."""
    item = InboxItem(Proposal(pk=7, status="returned"), "x", anchor="thao-tac", due_state="overdue",
                     context=datetime.date(2026, 3, 5))
    assert (item.link, item.context_text) == (f"{reverse('proposals:detail', args=[7])}#thao-tac", "05/03/2026")
    assert [str(part) for part in item.due_badge] == ["badge-due-overdue", "Quá hạn"]
    assert str(item.status_label) == "Đã trả lại để bổ sung, làm rõ"
    other = InboxItem(None, "x", anchor="", url="/phan-anh/3/", context="Sở Nội vụ")
    assert (other.link, other.context_text, other.due_badge, other.status_label) == ("/phan-anh/3/", "Sở Nội vụ", None, "")


def _next_link(body: str) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', body)
    return html.unescape(found.group(1)) if found else None


def test_the_section_alone_walks_every_row_once_by_keyset(head, proposer, monkeypatch):
    monkeypatch.setattr(inbox_module, "PAGE_SIZE", 10)
    expected = _many_to_decide(proposer, 25)
    client = as_(head)

    pages, link = [], f'{url("inbox")}?muc=to_decide'
    while link:
        response = client.get(link)
        page = response.context["page"]
        pages.append([item.proposal.pk for item in page.rows])
        body = response.content.decode()
        assert ("Trang đầu" in body) is (page.number > 1)
        assert f"Trang {page.number}" in body
        link = _next_link(body)

    assert [len(rows) for rows in pages] == [10, 10, 5]
    assert sum(pages, []) == expected  # no row twice, none left out, in the inbox's order
    assert "Đề xuất chờ cơ quan xem xét, quyết định" in body and ">25</span>" in body


@pytest.mark.parametrize("cursor", ["rac", "eyJrIjpbXSwibiI6Mn0", ""])
def test_a_cursor_the_inbox_did_not_issue_answers_with_the_first_page(head, proposer, monkeypatch, cursor):
    monkeypatch.setattr(inbox_module, "PAGE_SIZE", 10)
    expected = _many_to_decide(proposer, 12)
    response = as_(head).get(url("inbox"), {"muc": "to_decide", "sau": cursor})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == 1 and [item.proposal.pk for item in page.rows] == expected[:10]


def test_meetings_and_own_drafts_are_read_by_keyset_too(head, deputy, proposer):
    for n in range(3):
        proposal = submitted_proposal(proposer=proposer, title=f"Họp {n}")
        approvals.consultation_record(proposal=proposal, by=head, committee="Đảng ủy", opinion_date=NOW.date(), opinion="Đồng ý.")
        open_meeting(proposal=proposal, by=head, held_on=NOW.date(), attendees=[head, deputy])
        draft_proposal(proposer=proposer, title=f"Dự thảo {n}")
    for user, key in ((deputy, "to_vote"), (proposer, "mine")):
        section = inbox_for(user=user, today=NOW.date()).section(key)
        assert len(section.items) == 3
        assert [(i.proposal.pk, i.target) for i in walked(section)] == [(i.proposal.pk, i.target) for i in section.items]


def test_an_unknown_section_is_not_found(head):
    assert as_(head).get(url("inbox"), {"muc": "khong-co"}).status_code == 404


def test_a_section_alone_shows_only_the_users_own_items(head, proposer, outsider, submitted):
    draft = draft_proposal(proposer=proposer, title="Dự thảo của người đề xuất")
    for person, key in ((outsider, "to_decide"), (proposer, "to_decide"), (head, "mine"), (outsider, "mine")):
        response = as_(person).get(url("inbox"), {"muc": key})
        assert response.status_code == 200 and response.context["page"].rows == []
        body = response.content.decode()
        assert submitted.title not in body and draft.title not in body
    [item] = as_(proposer).get(url("inbox"), {"muc": "mine"}).context["page"].rows
    assert item.proposal == draft


@pytest.mark.parametrize("count", [3, 25])
def test_a_section_page_costs_the_same_queries_whatever_the_rows(head, proposer, monkeypatch, count,
                                                                 django_assert_num_queries):
    monkeypatch.setattr(inbox_module, "PAGE_SIZE", 10)
    _many_to_decide(proposer, count)
    client = as_(head)
    # 1 session, 2 user, 3 positions held today (the incidents section's handler paths too), 4 the badges (navbar),
    # which count the section's rows too, 5 the page of proposals to decide, 6 calendar days for "due soon".
    with django_assert_num_queries(6):
        response = client.get(url("inbox"), {"muc": "to_decide"})
    assert len(response.context["page"].rows) == min(count, 10)


def test_each_inbox_row_names_its_columns_for_the_phones_cards(head, submitted):
    """On a phone a row is a card (static/css/app.css, .table-cards): each cell after its heading, the action first."""
    body = as_(head).get(url("inbox")).content.decode()
    row = re.search(r'<table class="[^"]*table-cards">.*?<tbody>(.*?)</tr>', body, re.S).group(1)
    assert '<td class="card-lead-1 card-action" data-label="Việc cần làm">' in row
    assert 'class="text-nowrap card-lead-2" data-label="Hạn xử lý">19/03/2026' in row
