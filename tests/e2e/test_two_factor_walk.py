"""Acceptance walk of issue 11 §2 in a real browser: a head, whose role requires a second factor, signs in with the
password and is sent to enrol; reads the key off the page and types the authenticator's code as an app would
compute it; keeps the recovery codes; signs out and in again with a code (a wrong one refused first); a recovery code
then works once, and a second time is refused.

The clock is not frozen (the browser keeps its own); an authenticator's code is accepted once, so the sign-in after
enrolling types the code of the next 30-second step, which the server accepts as the app's clock running ahead.
"""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.e2e.browser import labelled, main_nav
from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

WRONG_CODE = "Mã không đúng hoặc đã hết hạn."


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["head", "deputy", "secretariat", "admin"]


def password_step(page: Page, site_url: str, person) -> None:
    page.goto(f"{site_url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(person.username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def code_step(page: Page, code: str) -> None:
    expect(page.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
    labelled(page, "Mã xác thực hoặc mã dự phòng").fill(code)
    page.get_by_role("button", name="Xác nhận").click()


def expect_signed_in(page: Page, person) -> None:
    expect(main_nav(page).get_by_role("button", name=person.get_full_name())).to_be_visible()


def sign_out(page: Page, person) -> None:
    main_nav(page).get_by_role("button", name=person.get_full_name()).click()
    main_nav(page).get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def test_a_head_enrols_then_signs_in_with_a_code_and_a_recovery_code_once(browser_as, site_url, head):
    page = browser_as(None)

    # The password alone leads to the enrolment page, and nowhere else.
    password_step(page, site_url, head)
    expect(page.get_by_role("heading", name="Bật xác thực hai lớp")).to_be_visible()
    page.goto(f"{site_url}/de-xuat/")
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-lop/dang-ky/\?next=%2Fde-xuat%2F$"))
    expect(page.locator("figure svg")).to_be_visible()  # the QR code

    key = b32decode(page.locator("#two-factor-secret").inner_text().replace(" ", ""))
    labelled(page, "Mã xác thực").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Xác nhận và bật").click()

    expect(page.get_by_role("heading", name="Mã dự phòng")).to_be_visible()
    codes = page.get_by_role("list", name="Mã dự phòng").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về tệp .txt").click()
    assert download.value.suggested_filename == "ma-du-phong.txt"
    saved = download.value.path().read_text(encoding="utf-8")
    assert all(code in saved for code in codes)
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    expect(page).to_have_url(re.compile(r"/de-xuat/$"))
    expect_signed_in(page, head)
    sign_out(page, head)

    # Password, then a wrong code refused next to the field, then the authenticator's code.
    password_step(page, site_url, head)
    code_step(page, "000000" if f"{totp(key, drift=1):06d}" != "000000" else "111111")
    field = labelled(page, "Mã xác thực hoặc mã dự phòng")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field.locator("xpath=..").get_by_text(WRONG_CODE)).to_be_visible()
    page.wait_for_timeout(1100)  # django-otp makes the device wait 1 s after a wrong code
    code_step(page, f"{totp(key, drift=1):06d}")
    expect_signed_in(page, head)
    sign_out(page, head)

    # A recovery code instead of the authenticator: once.
    password_step(page, site_url, head)
    code_step(page, codes[0])
    expect_signed_in(page, head)
    expect(page.get_by_role("alert").filter(has_text="Bạn vừa dùng một mã dự phòng; còn 9 mã.")).to_be_visible()
    sign_out(page, head)

    password_step(page, site_url, head)
    code_step(page, codes[0])
    expect(labelled(page, "Mã xác thực hoặc mã dự phòng").locator("xpath=..").get_by_text(WRONG_CODE)).to_be_visible()
    expect(main_nav(page).get_by_role("button", name=head.get_full_name())).to_have_count(0)
