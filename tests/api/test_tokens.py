"""Personal access tokens (issue 13 §2): created in the browser, shown once, kept hashed, refused at once when revoked
or expired; service accounts act within their own unit's scope."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create, token_revoke
from tests.api.helpers import api, assert_problem
from tests.factories import PositionFactory, UserFactory
from tests.lifecycle import as_, audit_events

TOKENS = reverse("api_tokens:tokens")


def _bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_person_creates_a_token_sees_it_once_and_only_its_hash_is_kept(proposer):
    client = as_(proposer)
    response = client.post(TOKENS, {"name": "Kịch bản thống kê", "scope": "read", "expires_at": ""})
    assert response.status_code == 200
    secret = response.context["created"]["secret"]
    assert secret.startswith("d73_") and secret in response.content.decode()
    token = ApiToken.objects.get(owner=proposer)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest() and secret not in token.digest
    assert secret.startswith(token.prefix)
    listed = client.get(TOKENS).content.decode()
    assert "Kịch bản thống kê" in listed and token.prefix in listed and secret not in listed
    assert _bearer(secret).get(api("proposal_list")).status_code == 200
    assert audit_events("api_token_create")[-1].payload["name"] == "Kịch bản thống kê"


def test_the_form_refuses_a_past_expiry_and_a_name_in_use_next_to_the_field(proposer):
    client = as_(proposer)
    response = client.post(TOKENS, {"name": "A", "scope": "read", "expires_at": "01/01/2020"})
    assert response.status_code == 400 and "expires_at" in response.context["form"].errors
    client.post(TOKENS, {"name": "A", "scope": "read"})
    response = client.post(TOKENS, {"name": "A", "scope": "act"})
    assert response.status_code == 400 and "name" in response.context["form"].errors


def test_a_revoked_token_is_refused_at_once(proposer):
    token, secret = token_create(owner=proposer, by=proposer, name="Tích hợp", scope="act")
    client = _bearer(secret)
    assert client.get(api("proposal_list")).status_code == 200
    response = as_(proposer).post(reverse("api_tokens:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    body = assert_problem(client.get(api("proposal_list")), 401)
    assert "thu hồi" in body["detail"]
    assert audit_events("api_token_revoke")[-1].actor == proposer


def test_an_expired_token_is_refused(proposer, time_machine):
    _token, secret = token_create(owner=proposer, by=proposer, name="Tạm", scope="read",
                                  expires_at=timezone.now() + datetime.timedelta(days=1))
    assert _bearer(secret).get(api("proposal_list")).status_code == 200
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    assert_problem(_bearer(secret).get(api("proposal_list")), 401)


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer d73_unknown", "Bearer ñ"])
def test_a_malformed_or_unknown_token_is_a_401(db, header):
    response = Client(HTTP_AUTHORIZATION=header).get(api("proposal_list"))
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_of_an_inactive_person_is_refused(proposer):
    _token, secret = token_create(owner=proposer, by=proposer, name="Cũ", scope="read")
    proposer.is_active = False
    proposer.save()
    assert_problem(_bearer(secret).get(api("proposal_list")), 401)


def test_nobody_revokes_anothers_token(proposer, outsider):
    token, _secret = token_create(owner=proposer, by=proposer, name="Của tôi", scope="read")
    assert as_(outsider).post(reverse("api_tokens:token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_the_token_page_asks_for_sign_in_and_revoking_for_post(client, proposer):
    assert client.get(TOKENS).status_code == 302
    token, _secret = token_create(owner=proposer, by=proposer, name="X", scope="read")
    assert as_(proposer).get(reverse("api_tokens:token_revoke", args=[token.pk])).status_code == 405


def test_revoking_twice_records_once(proposer):
    token, _secret = token_create(owner=proposer, by=proposer, name="X", scope="read")
    token_revoke(token=token, by=proposer)
    token_revoke(token=token, by=proposer)
    assert len(audit_events("api_token_revoke")) == 1


def test_a_service_account_reads_its_units_proposals_only(submitted, department, other_unit):
    system = UserFactory(username="egov-snv")
    PositionFactory(person=system, unit=department, role="secretariat", start_date=datetime.date(2024, 1, 1))
    out = StringIO()
    call_command("api_token", "egov-snv", "Một cửa điện tử", "--scope", "read", "--system", "Một cửa", stdout=out)
    secret = out.getvalue().strip()
    system.refresh_from_db()
    assert not system.has_usable_password() and system.service_account.system == "Một cửa"
    assert [row["id"] for row in _bearer(secret).get(api("proposal_list")).json()["results"]] == [submitted.pk]

    elsewhere = UserFactory(username="egov-stc")
    PositionFactory(person=elsewhere, unit=other_unit, role="secretariat", start_date=datetime.date(2024, 1, 1))
    out = StringIO()
    call_command("api_token", "egov-stc", "Một cửa", "--system", "Một cửa STC", stdout=out)
    assert_problem(_bearer(out.getvalue().strip()).get(api("proposal_detail", submitted.pk)), 404)
