"""Single sign-on in a real browser (issue 13 §4): the sign-in page's button, the provider's own page, and back
signed in; then sign-out through the provider. The provider is tests/sso/op.py's, registered for the live server."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import screenshot
from tests.e2e.browser import main_nav
from tests.factories import UserFactory
from tests.sso.op import register_with, running_provider

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_signs_in_and_out_through_the_provider(page, live_server, settings, accessible):
    person = UserFactory(username="nguyen.an", full_name="Nguyễn An")
    with running_provider(live_server.url) as issuer:
        register_with(settings, issuer)
        page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
        accessible(page, "the sign-in page with single sign-on")
        screenshot(page, "sso-sign-in")
        page.get_by_role("link", name="Đăng nhập bằng VNeID tỉnh").click()
        expect(page).to_have_url(re.compile(f"^{re.escape(issuer)}/interaction/"))
        page.locator("input[name=login]").fill(person.username)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{live_server.url}/")
        main_nav(page).get_by_role("button", name="Nguyễn An").click()
        main_nav(page).get_by_role("button", name="Đăng xuất").click()
        expect(page).to_have_url(re.compile(f"^{re.escape(issuer)}/session/end"))
        page.get_by_role("button", name="Yes, sign me out").click()
        expect(page).to_have_url(f"{live_server.url}/tai-khoan/dang-nhap/")
