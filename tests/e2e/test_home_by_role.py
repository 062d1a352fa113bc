"""Each role's home page, the proposal's lifecycle stepper and the guidance after a return, in a real browser with
axe-core (issue 12 §1-3, §8): 0 serious or critical violations on every page visited, and a screenshot of each
role's home page under var/test-screenshots/ for a reviewer."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from proposals.transitions import Status
from tests.e2e.accessibility import screenshot
from tests.e2e.browser import main_nav
from tests.lifecycle import REASONS, drive_to, submitted_proposal

pytestmark = pytest.mark.django_db(transaction=True)


def region(page, heading: str):
    return page.get_by_role("region", name=heading)


def test_a_cadre_s_home_shows_their_proposals_with_the_next_step(browser_as, site_url, proposer, head, deputy,
                                                                 deputy2, accessible):
    submitted = submitted_proposal(proposer=proposer, title="Số hóa hồ sơ tuyển dụng viên chức")
    drive_to(Status.RETURNED, proposer=proposer, head=head, deputy=deputy)
    page = browser_as(proposer)

    mine = region(page, "Đề xuất của tôi")
    expect(mine.get_by_role("link", name=submitted.title)).to_be_visible()
    expect(mine).to_contain_text("Chờ tập thể lãnh đạo họp xem xét")
    expect(mine).to_contain_text("Bổ sung, làm rõ theo yêu cầu rồi nộp lại")
    # The returned proposal waits for its proposer: a task, counted in the navigation.
    expect(region(page, "Việc đang chờ bạn")).to_contain_text("Đề xuất của tôi cần hoàn thiện")
    expect(main_nav(page).get_by_role("link", name=re.compile(r"Việc cần xử lý 1 việc đang chờ"))).to_be_visible()
    accessible(page, "the cadre's home page")
    screenshot(page, "home-cadre")


def test_a_head_s_home_lists_what_awaits_them_with_due_badges(browser_as, site_url, proposer, head, leaders,
                                                              accessible):
    waiting = submitted_proposal(proposer=proposer, title="Liên thông dữ liệu đất đai với ngân hàng")
    page = browser_as(head)

    tasks = region(page, "Việc đang chờ bạn")
    expect(tasks.get_by_role("link", name=waiting.title)).to_be_visible()
    expect(tasks).to_contain_text("Trong hạn")
    tasks.get_by_role("link", name=re.compile("Đề xuất chờ cơ quan xem xét, quyết định")).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("proposals:inbox"))))
    page.go_back()
    accessible(page, "the head's home page")
    screenshot(page, "home-head")


def test_the_secretariat_s_home_shows_the_organisation_s_work(browser_as, site_url, proposer, secretariat, leaders,
                                                              accessible):
    submitted_proposal(proposer=proposer)
    page = browser_as(secretariat)

    overview = region(page, "Công việc của cơ quan, đơn vị")
    expect(overview).to_contain_text("Tổng cộng 1 đề xuất đã nộp.")
    overview.get_by_role("link", name="Đã nộp, chờ xem xét").click()
    expect(page).to_have_url(re.compile(r"status=submitted"))
    page.go_back()
    accessible(page, "the secretariat's home page")
    screenshot(page, "home-secretariat")


def test_the_administrator_s_home_leads_to_the_admin(browser_as, site_url, admin_user, proposer, leaders, accessible):
    submitted_proposal(proposer=proposer)
    page = browser_as(admin_user)

    expect(region(page, "Công việc của cơ quan, đơn vị")).to_contain_text("Tổng cộng 1 đề xuất đã nộp.")
    expect(page.get_by_text("Liên hệ quản trị viên")).to_have_count(0)
    accessible(page, "the administrator's home page")
    screenshot(page, "home-admin")
    page.get_by_role("link", name="Phân công chức vụ trong trang quản trị").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("admin:index"))))


def test_the_stepper_marks_the_current_step_for_screen_readers(browser_as, site_url, proposer, head, deputy, deputy2,
                                                               accessible):
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    page = browser_as(proposer)
    page.goto(site_url + reverse("proposals:detail", args=[proposal.pk]))

    stepper = page.get_by_role("navigation", name="Các bước của đề xuất")
    expect(stepper.get_by_role("listitem")).to_have_count(6)
    expect(stepper.locator('[aria-current="step"]')).to_contain_text("Triển khai thực hiện")
    expect(stepper.get_by_role("listitem").nth(1)).to_contain_text("đã xong")
    accessible(page, "the proposal page with its stepper")
    screenshot(page, "proposal-stepper")


def test_a_returned_proposal_tells_its_proposer_why_and_opens_the_plan_again(browser_as, site_url, proposer, head,
                                                                            deputy, deputy2, accessible):
    proposal = drive_to(Status.RETURNED, proposer=proposer, head=head, deputy=deputy)
    page = browser_as(proposer)
    page.goto(site_url + reverse("proposals:detail", args=[proposal.pk]))

    task = region(page, "Việc cần làm")
    expect(task).to_contain_text(REASONS)
    expect(page.get_by_role("navigation", name="Các bước của đề xuất").locator('[aria-current="step"]')).to_contain_text(
        "Đã trả lại để bổ sung, làm rõ")
    accessible(page, "the returned proposal's page")
    screenshot(page, "return-guidance")
    task.get_by_role("button", name="Chỉnh sửa để nộp lại").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("proposals:edit", args=[proposal.pk]))))
