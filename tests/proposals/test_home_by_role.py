"""The home page by role (issue 12 §1): a cadre's own proposals with the next step and its due date, what awaits a
head with due badges, the organisation's work for the secretariat and administrators, and the navigation's badge of
pending tasks, each in a fixed number of queries."""

import pytest
from django.urls import reverse

from tests.lifecycle import as_, drive_to, submitted_proposal
from tests.proposals.helpers import NOW, REVIEW_DUE

pytestmark = pytest.mark.frozen_at(NOW)
HOME = reverse("core:home")


def home_of(person) -> str:
    response = as_(person).get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def block(html: str, heading_id: str) -> str:
    """The section labelled by `heading_id` ("" when the page has none)."""
    marker = f'aria-labelledby="{heading_id}"'
    return html.split(marker)[1].split("</section>")[0] if marker in html else ""


def nav(html: str) -> str:
    return html.split("</nav>")[0]


def test_a_cadre_sees_each_proposal_with_its_status_next_step_and_due_date(proposer, leaders):
    proposal = submitted_proposal(proposer=proposer)

    mine = block(home_of(proposer), "de-xuat-cua-toi-heading")

    assert proposal.title in mine and f'href="{reverse("proposals:detail", args=[proposal.pk])}"' in mine
    assert "Đã nộp, chờ xem xét" in mine
    assert "Chờ tập thể lãnh đạo họp xem xét" in mine
    assert REVIEW_DUE.strftime("%d/%m/%Y") in mine and "badge-due-ontime" in mine


def test_a_returned_proposal_tells_its_proposer_what_to_do(proposer, head, deputy, deputy2):
    drive_to("returned", proposer=proposer, head=head, deputy=deputy)

    mine = block(home_of(proposer), "de-xuat-cua-toi-heading")

    assert "Đã trả lại để bổ sung, làm rõ" in mine and "Bổ sung, làm rõ theo yêu cầu rồi nộp lại" in mine


def test_a_co_author_sees_the_proposal_among_their_own(proposer, deputy, leaders):
    proposal = submitted_proposal(proposer=proposer, co_authors=[deputy])

    assert proposal.title in block(home_of(deputy), "de-xuat-cua-toi-heading")


def test_a_cadre_with_no_proposal_is_offered_to_propose(proposer):
    mine = block(home_of(proposer), "de-xuat-cua-toi-heading")

    assert "Bạn chưa có đề xuất nào." in mine and f'href="{reverse("proposals:create")}"' in mine


def test_a_head_sees_what_awaits_them_with_its_due_badge_and_the_way_to_the_inbox(proposer, head, leaders):
    proposal = submitted_proposal(proposer=proposer)

    html = home_of(head)
    tasks = block(html, "viec-cho-ban-heading")

    assert proposal.title in tasks and "badge-due-ontime" in tasks and REVIEW_DUE.strftime("%d/%m/%Y") in tasks
    assert 'href="/de-xuat/viec-can-xu-ly/#cho-xu-ly"' in tasks
    # A head with no proposal of their own and no secretariat post sees neither of those blocks.
    assert not block(html, "cong-viec-to-chuc-heading")


def test_the_task_box_shows_a_few_rows_of_a_section_and_links_to_all(proposer, head, leaders, monkeypatch):
    monkeypatch.setattr("proposals.home.HOME_ROWS", 1)
    first, second = submitted_proposal(proposer=proposer), submitted_proposal(proposer=proposer, title="Đề xuất thứ hai")

    tasks = block(home_of(head), "viec-cho-ban-heading")

    assert (first.title in tasks) != (second.title in tasks)
    assert "Xem tất cả" in tasks


def test_the_secretariat_sees_the_organisation_s_work_by_status(proposer, head, deputy, secretariat, deputy2):
    submitted_proposal(proposer=proposer)
    drive_to("returned", proposer=proposer, head=head, deputy=deputy)

    overview = block(home_of(secretariat), "cong-viec-to-chuc-heading")

    assert "Đã nộp, chờ xem xét" in overview and "Đã trả lại để bổ sung, làm rõ" in overview
    assert "?status=submitted" in overview and "Tổng cộng 2 đề xuất đã nộp." in overview


def test_the_administrator_sees_the_organisation_s_work_and_the_admin_never_a_contact_the_admin(
        admin_user, proposer, leaders):
    submitted_proposal(proposer=proposer)

    html = home_of(admin_user)

    assert "Tổng cộng 1 đề xuất đã nộp." in block(html, "cong-viec-to-chuc-heading")
    assert "Liên hệ quản trị viên" not in html
    assert f'href="{reverse("admin:index")}"' in html


def test_the_navigation_counts_the_tasks_pending(proposer, head, leaders):
    submitted_proposal(proposer=proposer)
    submitted_proposal(proposer=proposer, title="Đề xuất thứ hai")

    assert '<span class="badge rounded-pill text-bg-light nav-count">2<span class="visually-hidden"> việc đang chờ' in nav(
        home_of(head))
    # On another page too, and nothing for someone with nothing to do.
    assert "nav-count" in nav(as_(head).get(reverse("proposals:list")).content.decode())
    assert "nav-count" not in nav(home_of(proposer))


def test_the_navigation_s_count_stops_at_its_limit(proposer, head, leaders, monkeypatch):
    monkeypatch.setattr("core.badges.TASKS_LIMIT", 1)
    monkeypatch.setattr("core.templatetags.navigation.TASKS_LIMIT", 1)
    submitted_proposal(proposer=proposer)
    submitted_proposal(proposer=proposer, title="Đề xuất thứ hai")
    submitted_proposal(proposer=proposer, title="Đề xuất thứ ba")

    assert 'nav-count">1+<' in nav(home_of(head))


def test_the_home_page_needs_a_sign_in(client):
    response = client.get(HOME)

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("proposals", [1, 4])
def test_a_cadre_s_home_costs_the_same_whatever_the_number_of_proposals(proposer, leaders, proposals,
                                                                       django_assert_num_queries):
    for number in range(proposals):
        submitted_proposal(proposer=proposer, title=f"Đề xuất số {number}")
    client = as_(proposer)

    # The session, the user, the positions (navigation and blocks), the navigation's badges (one query, which counts
    # every inbox section's rows too); the task box: nothing, as every section a cadre can have rows in (own drafts,
    # meetings to vote in, assignments) is empty by that count, and the sections of heads and secretariats are
    # judged on the positions read already (18 → 6); "my proposals" with their next due dates (1) and the
    # working-day calendar for their "due soon" threshold (1).
    with django_assert_num_queries(6):
        client.get(HOME)
