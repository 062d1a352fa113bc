"""The list of proposals (spec README §1, §6): only what the user may see, searched without accents, filtered,
sorted, paginated, in a fixed number of queries; the links to it from the home page and the navigation bar.

Personas come from tests/conftest.py: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province); `draft` and the files come
from tests/proposals/conftest.py. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội: a plan received that day
is due for review on Thursday 19/03/2026 (tests/proposals/helpers.py).
"""

import base64
import datetime
import html
import json
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Position
from approvals import services as approvals
from proposals.models import LegalProfile
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import HANOI, as_, draft_proposal, position_of, submitted_proposal
from tests.proposals.helpers import NOW, url

pytestmark = pytest.mark.frozen_at(NOW)


def test_accent_insensitive_search_finds_cai_cach(head, proposer, secretariat):
    reform = submitted_proposal(proposer=proposer, title="Cải cách thủ tục hành chính")
    digital = submitted_proposal(proposer=proposer, title="Số hóa hồ sơ", bottleneck="Dữ liệu phân tán", content_solutions="Kho dữ liệu chung")
    response = as_(head).get(url("list"), {"q": "cai cach"})
    assert list(response.context["page"]) == [reform]
    assert digital.title not in response.content.decode()
    assert 'value="cai cach"' in response.content.decode()  # the filter keeps what was typed
    assert list(as_(head).get(url("list"), {"q": "CẢI CÁCH"}).context["page"]) == [reform]


def test_list_shows_only_what_the_user_may_see(outsider, proposer, submitted, draft):
    assert list(as_(outsider).get(url("list")).context["page"]) == []
    assert set(as_(proposer).get(url("list")).context["page"]) == {submitted, draft}


def test_list_filters(head, proposer, secretariat, other_unit):
    digital = submitted_proposal(proposer=proposer, title="Chuyển đổi số", field="digital")
    reform = submitted_proposal(proposer=proposer, title="Cải cách", field="admin_reform")
    draft = draft_proposal(proposer=proposer, title="Dự thảo")  # the head does not see a draft
    client = as_(head)

    def titles(**params):
        return {p.title for p in client.get(url("list"), params).context["page"]}

    assert titles() == {"Chuyển đổi số", "Cải cách"}
    assert titles(field="digital") == {"Chuyển đổi số"}
    assert titles(status="submitted") == {"Chuyển đổi số", "Cải cách"}
    assert titles(status="draft") == set()
    assert titles(year=2026) == {"Chuyển đổi số", "Cải cách"}
    assert titles(year=2025) == set()
    assert titles(unit=position_of(proposer).unit_id) == {"Chuyển đổi số", "Cải cách"}
    assert titles(overdue="on") == set()
    assert [p.title for p in client.get(url("list"), {"sort": "due"}).context["page"]] == ["Cải cách", "Chuyển đổi số"]
    # A unit outside the user's scope is not a valid choice: the filter is ignored, never widened.
    assert "unit" in client.get(url("list"), {"unit": other_unit.pk}).context["form"].errors
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=HANOI), tick=False):
        assert titles(overdue="on") == {"Chuyển đổi số", "Cải cách"}
        approvals.proposal_return(proposal=reform, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.", incomplete_items=["scope", "resources"])
        assert titles(overdue="on") == {"Chuyển đổi số"}
    assert digital and draft


@pytest.mark.postgres
def test_title_sort_follows_vietnamese_order_on_postgresql(proposer):
    for title in ("Đường dây nóng", "Chuyển đổi số", "Cải cách", "Dịch vụ công"):
        draft_proposal(proposer=proposer, title=title)
    page = as_(proposer).get(url("list"), {"sort": "title"}).context["page"]
    assert [p.title for p in page] == ["Cải cách", "Chuyển đổi số", "Dịch vụ công", "Đường dây nóng"]


def _walk(client, params) -> list[list[str]]:
    """The titles of every page, following the "Trang sau" link (rel="next") as a user would."""
    pages, response = [], client.get(url("list"), params)
    while True:
        pages.append([p.title for p in response.context["page"]])
        link = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
        if not link:
            return pages
        response = client.get(url("list") + html.unescape(link.group(1)))


@pytest.mark.parametrize("sort", ["", "newest", "due", "title"])
def test_list_pages_by_keyset_without_gap_or_repeat(proposer, sort):
    """45 proposals created at the same instant (the clock is frozen): the order is broken by id, every row
    comes once, pages of 20, and the filters ride along with the cursor."""
    for n in range(45):
        draft_proposal(proposer=proposer, title=f"Đề xuất {n:02d}")
    draft_proposal(proposer=proposer, title="Khác hẳn")
    pages = _walk(as_(proposer), {"sort": sort, "q": "đề xuất"})
    assert [len(page) for page in pages] == [20, 20, 5]
    titles = [title for page in pages for title in page]
    assert sorted(titles) == [f"Đề xuất {n:02d}" for n in range(45)]
    if sort == "title":
        assert titles == sorted(titles)
    else:  # newest first: the same instant, so the newest id first
        assert titles == [f"Đề xuất {n:02d}" for n in reversed(range(45))]


def test_a_cursor_not_issued_by_the_list_shows_the_first_page(proposer):
    draft_proposal(proposer=proposer, title="Cải cách")
    for cursor in ("không-phải-con-trỏ", "eyJ0Ijo5LCJrIjpbXSwibiI6Mn0", "e30"):
        response = as_(proposer).get(url("list"), {"sau": cursor})
        assert response.status_code == 200 and [p.title for p in response.context["page"]] == ["Cải cách"]


def test_a_cursor_edited_or_issued_for_another_order_shows_the_first_page_never_an_error(proposer):
    """A cursor is signed: values of the wrong type never reach a query (a 500), and one issued for the newest-first
    order means nothing to the "due" order."""
    for n in range(25):
        draft_proposal(proposer=proposer, title=f"Đề xuất {n:02d}")
    client = as_(proposer)
    issued = re.search(r'sau=([^"&]+)"', client.get(url("list")).content.decode()).group(1)
    forged = base64.urlsafe_b64encode(json.dumps({"t": 0, "s": ["created_at", "pk"], "k": ["abc", 5], "n": 2}).encode())
    for sort, cursor in (("due", issued), ("title", issued), ("", forged.decode()), ("", issued[:-3] + "xyz")):
        response = client.get(url("list"), {"sort": sort, "sau": cursor})
        assert response.status_code == 200 and response.context["page"].number == 1, (sort, cursor)
    assert client.get(url("list"), {"sau": issued}).context["page"].number == 2


def test_the_count_is_exact_up_to_a_bound_then_shown_as_more_than(proposer, monkeypatch):
    for n in range(6):
        draft_proposal(proposer=proposer, title=f"Đề xuất {n}")
    assert "Tìm thấy 6 đề xuất." in as_(proposer).get(url("list")).content.decode()
    monkeypatch.setattr("core.paging.COUNT_LIMIT", 5)
    response = as_(proposer).get(url("list"))
    assert "Tìm thấy hơn 5 đề xuất." in response.content.decode()
    assert (response.context["count"], response.context["count_more"]) == (5, True)


def test_search_ranks_the_words_as_typed_before_the_words_apart(proposer):
    together = draft_proposal(proposer=proposer, title="Cải cách thủ tục")
    apart = draft_proposal(proposer=proposer, title="Cách làm mới cho hồ sơ cải tạo")  # newer
    client = as_(proposer)
    assert list(client.get(url("list"), {"q": "cai cach"}).context["page"]) == [together, apart]
    # An order the user chose wins over relevance.
    assert list(client.get(url("list"), {"q": "cai cach", "sort": "newest"}).context["page"]) == [apart, together]


def test_a_search_of_short_words_only_is_refused_next_to_the_field(proposer):
    draft_proposal(proposer=proposer, title="Xã an toàn")
    response = as_(proposer).get(url("list"), {"q": "xa an"})
    assert "Nhập ít nhất một từ có từ 3 chữ cái trở lên để tìm kiếm." in response.content.decode()
    assert response.context["form"].errors["q"]
    assert [p.title for p in as_(proposer).get(url("list"), {"q": "xã toàn"}).context["page"]] == ["Xã an toàn"]


def test_a_proposal_the_user_sees_by_several_rules_is_listed_once(head, deputy, proposer, secretariat):
    """Deputy of the unit and co-author of it: visible twice over, listed once (no DISTINCT needed)."""
    proposal = submitted_proposal(proposer=proposer, title="Cải cách", co_authors=[deputy])
    response = as_(deputy).get(url("list"))
    assert list(response.context["page"]) == [proposal] and response.context["count"] == 1


@pytest.mark.parametrize("count", [3, 10])
def test_list_query_count_does_not_grow_with_rows(django_assert_num_queries, head, proposer, secretariat, count):
    for n in range(count):
        submitted_proposal(proposer=proposer, title=f"Cải cách {n}")
    client = as_(head)
    # 1 session, 2 user, 3 positions held today with their units and the profile's Art. 2 categories (the units of
    # the filter, the scope, the navbar's entries and the "Lập đề xuất mới" button), 4 the page of proposals (unit,
    # proposer, profile joined), 5 count, 6 calendar days for "due soon" (once per page, not per row), 7 the badges:
    # unread notifications and tasks pending (navbar). No unit of the filter is read: none is chosen. The incidents
    # stage's handler paths (the inbox sections the badge counts) come from the positions of 3, not from a query.
    with django_assert_num_queries(7):
        response = client.get(url("list"), {"q": "cai cach", "sort": "due"})
    assert len(response.context["page"]) == count
    # A unit chosen: 8 it is checked against the user's units, 9 read again with its parent for the picker's label.
    unit = position_of(head).unit_id
    with django_assert_num_queries(9):
        response = client.get(url("list"), {"q": "cai cach", "sort": "due", "unit": unit})
    assert len(response.context["page"]) == count


def _unit_select(response) -> str:
    return re.search(r'<select name="unit".*?</select>', response.content.decode(), re.S).group(0)


def test_the_unit_filter_renders_only_the_chosen_unit_and_searches_the_users_units(
    head, inspector, department, other_unit, django_assert_num_queries
):
    """Thousands of units for a ministry: the filter is a picker (core.widgets) that sends the chosen unit by id and
    searches at most 20 units the user's list may be filtered by, never another province's."""
    page = as_(head).get(url("list"))
    select = _unit_select(page)
    assert "<option" in select and department.name not in select and other_unit.name not in select
    picker = html.unescape(re.search(r'data-autocomplete-url="([^"]+)"', select).group(1))

    def found(client, q):
        response = client.get(f"{picker}&{urlencode({'q': q})}")  # the test client drops the URL's query given data
        return [item["text"] for item in response.json()["results"]]

    assert found(as_(head), "so") == [department.name_with_parent]  # Sở Tài chính is outside the head's units
    client = as_(inspector)
    client.get(url("list"))
    with django_assert_num_queries(4):  # session, user, the paths of the inspector's units, at most 20 of their units
        assert found(client, "so") == [department.name_with_parent, other_unit.name_with_parent]
    chosen = _unit_select(as_(inspector).get(url("list"), {"unit": other_unit.pk}))
    assert re.findall(r"<option[^>]*>[^<]*", chosen) == [
        '<option value="">', f'<option value="{other_unit.pk}" selected>{other_unit.name_with_parent}'
    ]


def test_the_unit_search_of_the_list_needs_a_login(department):
    response = Client().get(reverse("accounts:units-autocomplete"), {"for": "proposal_list", "q": "so"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_home_and_navbar_link_to_the_inbox_list_and_new_proposal(proposer):
    body = as_(proposer).get(reverse("core:home")).content.decode()
    for name in ("inbox", "list", "create"):
        assert f'href="{url(name)}"' in body
    assert url("create") == "/de-xuat/moi/" and url("inbox") == "/de-xuat/viec-can-xu-ly/"


def test_new_proposal_is_offered_only_to_a_position_whose_category_may_propose(department, proposer):
    clerk = UserFactory(username="vanthu")
    PositionFactory(person=clerk, unit=department, category=Position.Category.OTHER, title="Văn thư")
    create_link = f'href="{url("create")}"'

    assert create_link not in as_(clerk).get(url("list")).content.decode()
    assert as_(proposer).get(url("list")).content.decode().count(create_link) == 2  # navbar and button
    # A newer version of the rules that no longer admits the proposer's category takes the offer away.
    LegalProfile.objects.create(version=2, eligible_categories=[Position.Category.ENTERPRISE])
    assert create_link not in as_(proposer).get(url("list")).content.decode()


def test_navbar_hides_new_proposal_from_someone_without_a_position(db):
    body = as_(UserFactory(username="khach")).get(url("list")).content.decode()
    assert f'href="{url("inbox")}"' in body
    assert f'href="{url("create")}"' not in body




def test_the_filters_fold_on_a_phone_unless_a_filter_is_applied(head, submitted):
    """The panel is a Bootstrap collapse shown from md up (d-md-block); below, open only while filtering. The rows
    carry their column headings for the phone's cards (static/css/app.css, .table-cards)."""
    client = as_(head)
    plain = client.get(url("list")).content.decode()
    filtered = client.get(url("list"), {"q": "dat dai"}).content.decode()
    assert '<div class="collapse d-md-block" id="list-filters">' in plain and 'aria-expanded="false"' in plain
    assert '<div class="collapse d-md-block show" id="list-filters">' in filtered and 'aria-expanded="true"' in filtered
    row = re.search(r'<table class="[^"]*table-cards">.*?<tbody>(.*?)</tr>', filtered, re.S).group(1)
    assert re.findall(r'data-label="([^"]+)"', row) == [
        "Mã hồ sơ", "Cơ quan, đơn vị", "Lĩnh vực", "Trạng thái", "Ngày nhận", "Hạn xử lý"
    ]


def test_each_row_shows_the_status_and_field_by_their_names(head, proposer):
    submitted_proposal(proposer=proposer, title="Chuyển đổi số", field="digital")
    submitted_proposal(proposer=proposer, title="Chưa chọn lĩnh vực", field="")
    body = as_(head).get(url("list"), {"sort": "title"}).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S)
    cells = [re.findall(r'data-label="(Lĩnh vực|Trạng thái)">([^<]*)</td>', row) for row in rows]
    assert cells == [  # "Chuyển" before "Chưa": u before ư
        [("Lĩnh vực", "Chuyển đổi số"), ("Trạng thái", "Đã nộp, chờ xem xét")],
        [("Lĩnh vực", "—"), ("Trạng thái", "Đã nộp, chờ xem xét")],
    ]


def test_the_page_statement_writes_the_scope_and_filters_once(head, proposer):
    """core.paging: the page's keys are found under the scope and filters, its rows then read by those keys alone;
    the filters written a second time around the keys cost compiling, parsing and planning for the same rows."""
    proposal = submitted_proposal(proposer=proposer, title="Cải cách thủ tục")
    client = as_(head)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("list"), {"q": "cai cach", "status": proposal.status})
    assert list(response.context["page"]) == [proposal]
    page = next(query["sql"] for query in captured.captured_queries if query["sql"].startswith('SELECT "proposals_proposal"."id"'))
    # The scope (its first rule: the proposer) and the search (two words, then the phrase as typed) once each.
    assert page.count(f'"proposer_id" = {head.pk}') == 1 and page.count(" LIKE ") == 3, page
