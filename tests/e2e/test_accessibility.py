"""axe-core over the main pages, per role (issue 12 §8): 0 serious or critical violations on each.

The home pages, the comparison and the phone lists are checked by their own walks (test_home_*, test_compare_*,
test_phone_*); this module visits the others: sign-in and two-factor pages, the inbox, the list, the proposal form
empty and with its errors, a proposal in review with the deciding panel's forms all open, notifications and their
preferences, the reports pages, and the admin's index, a list and a form. Each page is checked as it stands once
loaded, so folded content is opened first where the page has some.
"""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import screenshot
from tests.e2e.browser import labelled, log_in
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def visit(page: Page, site_url: str, path: str) -> Page:
    page.goto(site_url + path)
    expect(page.locator("main, #content").first).to_be_visible()
    return page


def open_every_disclosure(page: Page) -> None:
    """Unfold every <details> (the panels' action forms), so that axe reads their fields too."""
    page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true; })")


def test_the_proposer_pages(browser_as, site_url, accessible, proposer, submitted):
    page = browser_as(None)
    visit(page, site_url, reverse("accounts:login"))
    accessible(page, "trang đăng nhập")
    log_in(page, site_url, proposer)

    for name, what in [("proposals:inbox", "việc cần xử lý"), ("proposals:list", "danh sách đề xuất"),
                       ("proposals:create", "lập đề xuất (trống)"), ("core:notifications", "thông báo"),
                       ("core:notification_preferences", "cách nhận thư thông báo"),
                       ("accounts:two_factor", "xác thực hai lớp"), ("accounts:password_change", "đổi mật khẩu")]:
        visit(page, site_url, reverse(name))
        accessible(page, what)

    visit(page, site_url, reverse("proposals:create"))
    page.get_by_role("button", name="Lưu dự thảo").click()  # nothing filled in: the required fields refused
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    accessible(page, "lập đề xuất (có lỗi)")

    visit(page, site_url, reverse("proposals:detail", args=[submitted.pk]))
    open_every_disclosure(page)
    accessible(page, "đề xuất đã nộp, xem của người đề xuất")


def test_the_head_pages_of_a_proposal_in_review(browser_as, site_url, accessible, head, submitted):
    page = log_in(browser_as(None), site_url, head)
    for name, what in [("proposals:inbox", "việc cần xử lý của thủ trưởng"),
                       ("core:notifications", "thông báo của thủ trưởng")]:
        visit(page, site_url, reverse(name))
        accessible(page, what)

    visit(page, site_url, reverse("proposals:detail", args=[submitted.pk]))
    open_every_disclosure(page)
    accessible(page, "đề xuất đang xem xét, các biểu mẫu của thủ trưởng mở")
    screenshot(page, "proposal-in-review-head")


def test_the_reports_and_the_admin(browser_as, site_url, accessible, admin_user, head, submitted):
    page = log_in(browser_as(None), site_url, admin_user)
    for name, what in [("reports:list", "báo cáo"), ("reports:dashboard", "tổng quan"),
                       ("reports:order", "lập báo cáo năm"), ("admin:index", "trang quản trị"),
                       ("admin:accounts_user_changelist", "danh sách người dùng (quản trị)"),
                       ("admin:accounts_position_add", "thêm chức vụ (quản trị)"),
                       ("admin:django_celery_beat_periodictask_changelist", "tác vụ định kỳ (quản trị)")]:
        visit(page, site_url, reverse(name))
        accessible(page, what)
    visit(page, site_url, reverse("admin:index"))
    screenshot(page, "admin-index")


def test_the_two_factor_pages(browser_as, site_url, accessible, settings, head, deputy):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["head", "deputy"]
    TOTPDevice.objects.create(user=deputy, name="Điện thoại", confirmed=True)

    enrolling = browser_as(None)  # the head has no authenticator yet: the password leads to the enrolment
    password_step(enrolling, site_url, head)
    expect(enrolling.get_by_role("heading", name="Bật xác thực hai lớp")).to_be_visible()
    accessible(enrolling, "bật xác thực hai lớp")

    verifying = browser_as(None)  # the deputy has one: the password leads to the code, a wrong one refused
    password_step(verifying, site_url, deputy)
    expect(verifying.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
    accessible(verifying, "nhập mã xác thực")
    labelled(verifying, "Mã xác thực hoặc mã dự phòng").fill("000000")
    verifying.get_by_role("button", name="Xác nhận").click()
    expect(verifying.get_by_text("Mã không đúng hoặc đã hết hạn.")).to_be_visible()
    accessible(verifying, "nhập mã xác thực (mã sai)")


def password_step(page: Page, site_url: str, person) -> None:
    page.goto(site_url + reverse("accounts:login"))
    page.get_by_label("Tên đăng nhập").fill(person.username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
