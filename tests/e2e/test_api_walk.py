"""Acceptance walk of issue 13 in a real browser: a person opens "Khóa truy cập API" from the account menu, creates a
token (shown once), uses it from outside the browser, revokes it; the API reference page (Swagger UI from our own
static files) renders its operations under the strict CSP, with no violation."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.e2e.browser import main_nav

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_makes_a_token_uses_it_and_revokes_it(browser_as, site_url, proposer, accessible):
    page = browser_as(proposer)
    main_nav(page).get_by_role("button", name=proposer.get_full_name()).click()
    page.get_by_role("link", name="Khóa truy cập API").click()
    page.get_by_label("Tên khóa").fill("Kịch bản thống kê")
    page.get_by_label("Đọc và thao tác").check()
    page.get_by_role("button", name="Tạo khóa").click()
    secret = page.get_by_label("Khóa truy cập").input_value()
    assert secret.startswith("d73_")
    accessible(page, "the token page with a new token")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/proposals/").status_code == 200

    page.reload()  # shown once: not on the page any more
    expect(page.get_by_label("Khóa truy cập")).to_have_count(0)
    page.get_by_role("button", name="Thu hồi Kịch bản thống kê").click()
    expect(page.get_by_role("alert").filter(has_text="Đã thu hồi khóa")).to_be_visible()
    assert api.get("/api/v1/proposals/").status_code == 401


def test_the_reference_page_renders_under_the_csp(browser_as, site_url, proposer):
    page = browser_as(proposer)
    page.goto(f"{site_url}/api/v1/docs/")
    expect(page.get_by_text("/api/v1/proposals/{id}/actions/", exact=True).first).to_be_visible()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API")
