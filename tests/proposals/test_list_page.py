"""The list of proposals (spec README §1, §6): only what the user may see, searched without accents, filtered,
sorted, paginated, in a fixed number of queries; the links to it from the home page and the navigation bar.

Personas come from tests/conftest.py: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province); `draft` and the files come
from tests/proposals/conftest.py. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội: a plan received that day
is due for review on Thursday 19/03/2026 (tests/proposals/helpers.py).
"""

import datetime

import pytest
import time_machine
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


def test_list_is_paginated_by_20(proposer):
    for n in range(23):
        draft_proposal(proposer=proposer, title=f"Đề xuất {n:02d}")
    client = as_(proposer)
    first = client.get(url("list"), {"sort": "title"})
    assert len(first.context["page"]) == 20 and first.context["page"].paginator.num_pages == 2
    second = client.get(url("list"), {"sort": "title", "trang": 2})
    assert [p.title for p in second.context["page"]] == ["Đề xuất 20", "Đề xuất 21", "Đề xuất 22"]
    assert "sort=title&amp;trang=1" in second.content.decode()


@pytest.mark.parametrize("count", [3, 10])
def test_list_query_count_does_not_grow_with_rows(django_assert_num_queries, head, proposer, secretariat, count):
    for n in range(count):
        submitted_proposal(proposer=proposer, title=f"Cải cách {n}")
    client = as_(head)
    # 1 session, 2 user, 3 paths of the units in the user's scope (filter choices), 4 inspector paths for
    # `visible_to`, 5 count, 6 the page of proposals (unit, proposer, profile joined), 7 calendar days for
    # "due soon" (once per page, not per row), 8 positions held today with the profile's Art. 2 categories
    # (navbar and the "Lập đề xuất mới" button), 9 unread notifications (navbar), 10 the unit choices of the
    # filter form.
    with django_assert_num_queries(10):
        response = client.get(url("list"), {"q": "cai cach", "sort": "due"})
    assert len(response.context["page"]) == count


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


