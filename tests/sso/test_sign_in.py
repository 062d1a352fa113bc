"""Single sign-on through a real OpenID provider (issue 13 §4): the authorisation code flow with PKCE, people
matched by a configurable claim and never created, the provider's `amr` in the audit log instead of our second
factor, sign-out at both ends, and an expired session that is not renewed behind the person's back."""

import datetime
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import DEMO_PASSWORD, UserFactory
from tests.sso.conftest import POST_LOGOUT_REDIRECT_URI
from tests.sso.op import ID_TOKEN_TTL

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
LOGIN = reverse("accounts:login")
LIST = reverse("proposals:list")


def signed_in_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_a_known_person_signs_in_matched_on_preferred_username_with_pkce(visitor):
    person = UserFactory(username="nguyen.an")
    response = visitor.sign_in("nguyen.an", next_to=LIST)
    assert (response.status_code, response["Location"]) == (302, LIST)
    assert signed_in_id(visitor.client) == str(person.pk)
    assert visitor.client.get(LIST).status_code == 200
    # The provider refuses a request without a code challenge (pkce required); the challenge is S256.
    query = parse_qs(urlsplit(visitor.authorization_request).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]


def test_the_sign_in_is_audited_with_the_providers_amr_and_skips_our_second_factor(visitor, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin"]  # staff must have a second factor when signing in locally
    person = UserFactory(username="tran.binh", is_staff=True)
    visitor.sign_in("tran.binh")
    assert visitor.client.get(HOME).status_code == 200  # not fenced into enrolment
    event = AuditEvent.objects.get(action="sign_in_sso")
    assert (event.actor, event.object_id) == (person, str(person.pk))
    assert event.payload == {"provider": visitor.issuer, "amr": ["pwd", "otp"], "preferred_username": "tran.binh"}


def test_the_matching_claim_and_field_are_configurable(visitor, settings):
    settings.SSO_MATCH_CLAIM, settings.SSO_MATCH_FIELD = "staff_id", "employee_code"
    person = UserFactory(username="le.cuong", employee_code="cb-pham.dung")  # matched without case
    UserFactory(username="pham.dung")  # the same name as the provider's username: not the claim configured
    visitor.sign_in("pham.dung")
    assert signed_in_id(visitor.client) == str(person.pk)


def test_an_unknown_person_is_refused_with_a_page_and_an_audit_event_and_never_created(visitor):
    users = get_user_model().objects.count()
    response = visitor.sign_in("nguoi.la")
    assert response.status_code == 403
    assert "không khớp với người dùng nào" in response.content.decode()
    assert signed_in_id(visitor.client) is None
    assert get_user_model().objects.count() == users
    event = AuditEvent.objects.get(action="sign_in_sso_refused")
    assert (event.object_type, event.object_id) == ("sso.identity", f"{visitor.issuer}#nguoi.la")
    assert event.payload["reason"] == "unknown"


def test_an_inactive_person_is_refused(visitor):
    person = UserFactory(username="vo.em", is_active=False)
    response = visitor.sign_in("vo.em")
    assert response.status_code == 403
    assert signed_in_id(visitor.client) is None
    event = AuditEvent.objects.get(action="sign_in_sso_refused")
    assert (event.object_id, event.payload["reason"]) == (str(person.pk), "inactive")


def test_a_person_deactivated_while_signed_in_is_signed_out_at_the_next_request(visitor):
    person = UserFactory(username="mai.phuong")
    visitor.sign_in("mai.phuong")
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert visitor.client.get(HOME)["Location"].startswith(LOGIN)


def test_sign_in_throttling_lets_sso_through_and_counts_a_refusal_against_the_address(visitor, settings):
    settings.AXES_ENABLED = True
    person = UserFactory(username="ha.quang")
    visitor.sign_in("ha.quang")
    assert signed_in_id(visitor.client) == str(person.pk)
    visitor.client.logout()
    visitor.provider_session = requests.Session()  # someone else at the provider
    assert visitor.sign_in("nguoi.la").status_code == 403
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").count() == 1


def test_two_people_with_the_claims_value_are_refused_rather_than_guessed(visitor, settings):
    settings.SSO_MATCH_CLAIM, settings.SSO_MATCH_FIELD = "email", "email"
    UserFactory(username="a", email="hoang.giang@example.gov.vn")
    UserFactory(username="b", email="Hoang.Giang@example.gov.vn")
    assert visitor.sign_in("hoang.giang").status_code == 403
    assert signed_in_id(visitor.client) is None


def test_sign_out_ends_the_local_session_then_the_providers(visitor):
    UserFactory(username="dang.hoa")
    visitor.sign_in("dang.hoa")
    id_token = visitor.client.session["sso_id_token"]
    response = visitor.client.post(reverse("accounts:logout"))
    assert signed_in_id(visitor.client) is None
    assert visitor.client.get(HOME)["Location"].startswith(LOGIN)
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == visitor.issuer
    query = parse_qs(end_session.query)
    assert query["id_token_hint"] == [id_token]
    # The provider asks "sign out?"; confirmed, it comes back to our sign-in page and has forgotten the person:
    # the next click on the button asks for their credentials again.
    page = visitor.provider_session.get(response["Location"], allow_redirects=False)
    action, xsrf = re.search(r'<form id="op.logoutForm" method="post" action="([^"]+)">.*value="([^"]+)"', page.text).groups()
    done = visitor.provider_session.post(
        urljoin(response["Location"], action), data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False
    )
    assert done.headers["Location"] == POST_LOGOUT_REDIRECT_URI
    again = visitor.provider_session.get(visitor.client.get(reverse("accounts:sso_start"))["Location"])
    assert '<input name="login">' in again.text


def test_a_password_sign_out_does_not_go_to_the_provider(client, sso):
    person = UserFactory()
    assert client.login(username=person.username, password=DEMO_PASSWORD)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN


def test_an_expired_sso_session_is_ended_not_renewed(visitor):
    UserFactory(username="bui.khanh")
    visitor.sign_in("bui.khanh")
    with time_machine.travel(datetime.timedelta(seconds=ID_TOKEN_TTL - 5)):
        assert visitor.client.get(HOME).status_code == 200
    with time_machine.travel(datetime.timedelta(seconds=ID_TOKEN_TTL + 1)):
        response = visitor.client.get(LIST)
    # Back to our sign-in page (not a silent round trip to the provider), the session ended.
    assert response["Location"] == f"{LOGIN}?next={LIST}"
    assert signed_in_id(visitor.client) is None
    page = visitor.client.get(response["Location"])
    assert "Phiên đăng nhập một lần đã hết hạn" in page.content.decode()


def test_sso_session_seconds_shortens_the_session(visitor, settings):
    settings.SSO_SESSION_SECONDS = 60
    UserFactory(username="ly.lan")
    visitor.sign_in("ly.lan")
    with time_machine.travel(datetime.timedelta(seconds=61)):
        assert visitor.client.get(HOME).status_code == 302
    assert signed_in_id(visitor.client) is None


def test_a_code_the_provider_did_not_issue_is_refused_by_it_502_and_not_signed_in(visitor):
    UserFactory(username="doan.minh")
    callback = visitor.authorize("doan.minh")
    response = visitor.client.get(re.sub(r"code=[^&]+", "code=forged", callback))
    assert response.status_code == 502
    assert signed_in_id(visitor.client) is None


def test_a_callback_replayed_is_refused_with_400(visitor):
    UserFactory(username="chu.nga")
    callback = visitor.authorize("chu.nga")
    assert visitor.client.get(callback).status_code == 302
    visitor.client.logout()
    assert visitor.client.get(callback).status_code == 400
    assert signed_in_id(visitor.client) is None


def test_a_callback_without_a_started_sign_in_is_refused_with_400(client, sso):
    response = client.get(reverse("accounts:sso_callback"), {"code": "x", "state": "y"})
    assert response.status_code == 400
    assert signed_in_id(client) is None


def test_a_cancelled_sign_in_at_the_provider_is_refused_with_400(visitor):
    visitor.client.get(reverse("accounts:sso_start"))
    response = visitor.client.get(reverse("accounts:sso_callback"), {"error": "access_denied", "state": "y"})
    assert response.status_code == 400
