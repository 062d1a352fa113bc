"""Every error of /api/ as application/problem+json (issue 13 §5): Vietnamese titles, English on Accept-Language;
rate limits per token with Retry-After."""

import pytest
from django.test import Client
from django.utils import translation

from api.models import ApiToken
from api.problems import TITLES
from tests.api.conftest import bearer
from tests.api.helpers import api, assert_problem


def test_an_unknown_url_under_the_api_is_a_problem(client, db):
    body = assert_problem(client.get("/api/v1/khong-co/"), 404)
    assert body["title"] == "Không tìm thấy"


def test_english_titles_when_asked(client, db):
    response = client.get(api("proposal_list"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    body = assert_problem(response, 401)
    with translation.override("en"):
        assert body["title"] == str(TITLES[401])
    assert body["detail"] == "Authentication credentials were not provided."  # DRF's own English
    assert response["Content-Language"] == "en"


def test_vietnamese_is_the_default_even_for_an_unknown_language(client, db):
    response = client.get(api("proposal_list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert assert_problem(response, 401)["title"] == "Chưa xác thực"
    assert response["Content-Language"] == "vi"


def test_a_wrong_method_is_a_405_problem(head):
    response = bearer(head, ApiToken.Scope.READ).post(api("proposal_list"))
    assert_problem(response, 405)


def test_a_server_error_is_a_500_problem(head, monkeypatch):
    from api import views

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "proposal_list", broken)
    client = bearer(head, ApiToken.Scope.READ)
    client.raise_request_exception = False
    body = assert_problem(client.get(api("proposal_list")), 500)
    assert "boom" not in body["detail"]


def test_past_the_rate_each_token_gets_429_with_retry_after(head, settings):
    from api.throttling import TokenRateThrottle

    monkey_rates = {"token": "2/min"}
    original = TokenRateThrottle.THROTTLE_RATES
    TokenRateThrottle.THROTTLE_RATES = monkey_rates
    try:
        first, second = bearer(head, name="một"), bearer(head, name="hai")
        assert first.get(api("unit_list")).status_code == 200
        assert first.get(api("unit_list")).status_code == 200
        response = first.get(api("unit_list"))
        body = assert_problem(response, 429)
        assert int(response["Retry-After"]) > 0 and body["title"] == "Quá nhiều yêu cầu"
        assert second.get(api("unit_list")).status_code == 200  # counted per token
    finally:
        TokenRateThrottle.THROTTLE_RATES = original


@pytest.mark.parametrize("path", ["/api/v1/proposals/99999999999999999999/", "/api/v1/proposals/1/documents/0/"])
def test_odd_ids_are_404_problems(head, path):
    assert_problem(bearer(head, ApiToken.Scope.READ).get(path), 404)


def test_the_pages_keep_their_html_errors(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_input_guard_refusals_are_problems_too(db):
    response = Client().get(api("proposal_list") + "?q=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
