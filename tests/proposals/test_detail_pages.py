"""The proposal page (spec README §3, §4): status, routing, due badge, timeline, versions compared.

Personas come from tests/conftest.py: `proposer` (staff of Sở Nội vụ, Art. 2 category), `head`, `deputy`,
`secretariat` of that department, `outsider` (staff of Sở Tài chính, same province); `draft` and the files come
from tests/proposals/conftest.py. The clock stands on Tuesday 10/03/2026 09:00 in Hà Nội: a plan received that day
is due for review on Thursday 19/03/2026 (tests/proposals/helpers.py).
"""

import datetime

import pytest
import time_machine

from approvals import services as approvals
from proposals import services
from proposals.transitions import Status
from tests.lifecycle import HANOI, as_, complete_plan
from tests.proposals.helpers import NOW, form_data, url

pytestmark = pytest.mark.frozen_at(NOW)


def test_detail_shows_status_routing_due_date_and_timeline(head, submitted):
    response = as_(head).get(url("detail", submitted.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert submitted.code in body and "Đã nộp, chờ xem xét" in body
    assert "Trình người đứng đầu cơ quan sử dụng cán bộ" in body
    assert "10/03/2026" in body and "19/03/2026" in body
    assert "badge-due-ontime" in body
    assert "Kế hoạch đề xuất" in body and complete_plan()["content_solutions"] in body
    timeline = response.context["timeline"]
    assert [row["action"] for row in timeline] == ["Tạo dự thảo kế hoạch", "Nộp kế hoạch"]
    assert timeline[1]["role"] == "Cán bộ đề xuất"
    assert "10/03/2026 09:00" in body
    # The deciding unit's section is on the page, composed from the stage registry.
    assert "approvals" in [section.stage.label for section in response.context["stage_sections"]]
    assert not response.context["can_edit"]


@pytest.mark.parametrize(("today", "badge"), [
    (datetime.date(2026, 3, 16), "badge-due-ontime"),
    (datetime.date(2026, 3, 17), "badge-due-soon"),
    (datetime.date(2026, 3, 19), "badge-due-soon"),
    (datetime.date(2026, 3, 20), "badge-due-overdue"),
])
def test_due_badge_follows_working_days(head, submitted, today, badge):
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(9), tzinfo=HANOI), tick=False):
        body = as_(head).get(url("detail", submitted.pk)).content.decode()
    assert badge in body


def test_proposer_sees_edit_and_submit_actions_on_a_draft(proposer, draft):
    response = as_(proposer).get(url("detail", draft.pk))
    assert response.context["can_edit"] and response.context["plan_is_draft"]
    assert url("submit", draft.pk) in response.content.decode()


def test_returned_plan_is_revised_resubmitted_and_versions_are_compared(proposer, head, submitted):
    approvals.proposal_return(proposal=submitted, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.", incomplete_items=["scope", "resources"])
    client = as_(proposer)
    assert client.get(url("detail", submitted.pk)).context["can_revise"]
    response = client.post(url("revise", submitted.pk))
    assert response.status_code == 302 and response["Location"] == url("edit", submitted.pk)
    response = client.post(url("submit", submitted.pk), form_data(complete_plan(scope="Toàn tỉnh <b>và</b> thí điểm")))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.current_version) == (Status.SUBMITTED, 2)

    response = as_(head).get(url("compare", submitted.pk))
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    assert [name for name, row in rows.items() if row.changed] == ["scope"]
    html = str(rows["scope"].after)
    assert "Toàn tỉnh" in html and "<ins>" in html
    assert "&lt;b&gt;và&lt;/b&gt;" in html and "<b>" not in html
    timeline = [row["action"] for row in as_(head).get(url("detail", submitted.pk)).context["timeline"]]
    assert "Trả lại để bổ sung, làm rõ" in timeline and "Chỉnh sửa để nộp lại" in timeline


def test_compare_with_chosen_versions_and_refuses_the_same_twice(proposer, head, submitted):
    approvals.proposal_return(proposal=submitted, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.", incomplete_items=["scope", "resources"])
    services.proposal_revise(proposal=submitted, by=proposer)
    services.proposal_update_draft(proposal=submitted, by=proposer, data={"title": "Tên mới"})
    services.proposal_submit(proposal=submitted, by=proposer)
    client = as_(proposer)
    response = client.get(url("compare", submitted.pk), {"old": 2, "new": 1})
    assert [row.name for row in response.context["rows"] if row.changed] == ["title"]
    response = client.get(url("compare", submitted.pk), {"old": 1, "new": 1})
    assert response.context["rows"] is None and "new" in response.context["form"].errors


def test_revise_by_the_head_is_forbidden(head, submitted):
    approvals.proposal_return(proposal=submitted, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.", incomplete_items=["scope", "resources"])
    assert as_(head).post(url("revise", submitted.pk)).status_code == 403


def test_compare_with_a_single_version_says_so(proposer, submitted):
    response = as_(proposer).get(url("compare", submitted.pk))
    assert response.status_code == 200
    assert "chưa có đủ hai phiên bản" in response.content.decode()
