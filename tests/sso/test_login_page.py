"""The sign-in page with single sign-on configured or not, and local passwords switched off (issue 13 §4). No
provider is contacted here."""

import pytest
from django.urls import reverse

from tests.factories import DEMO_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
START = reverse("accounts:sso_start")


@pytest.fixture
def configured(settings):
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_OP_ISSUER = "decree73", "http://127.0.0.1:9"  # nothing listens
    settings.SSO_LABEL = "VNeID tỉnh"


def test_without_sso_configured_there_is_no_button_and_no_sso_page(client):
    assert START not in client.get(LOGIN).content.decode()
    assert client.get(START).status_code == 404
    assert client.get(reverse("accounts:sso_callback")).status_code == 404


def test_the_login_page_offers_the_provider_by_its_label_next_to_the_password_form(client, configured):
    page = client.get(LOGIN, {"next": "/de-xuat/"}).content.decode()
    assert "Đăng nhập bằng VNeID tỉnh" in page
    assert f'href="{START}?next=/de-xuat/"' in page
    assert 'name="password"' in page


def test_with_local_passwords_off_the_form_is_gone_and_a_posted_password_is_refused(client, configured, settings):
    settings.LOCAL_PASSWORD_LOGIN = False
    person = UserFactory()
    page = client.get(LOGIN).content.decode()
    assert "Đăng nhập bằng VNeID tỉnh" in page and 'name="password"' not in page
    response = client.post(LOGIN, {"username": person.username, "password": DEMO_PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_is_a_502_page_not_a_server_error(client, configured):
    response = client.get(START)
    assert response.status_code == 502
    assert "Không hoàn tất được đăng nhập với VNeID tỉnh" in response.content.decode()


def test_with_local_passwords_off_there_is_no_password_to_change(client, settings):
    person = UserFactory()
    client.force_login(person)
    assert 'href="/tai-khoan/doi-mat-khau/"' in client.get("/").content.decode()
    assert client.get("/tai-khoan/doi-mat-khau/").status_code == 200
    settings.LOCAL_PASSWORD_LOGIN = False
    assert "doi-mat-khau" not in client.get("/").content.decode()
    assert client.get("/tai-khoan/doi-mat-khau/").status_code == 404
