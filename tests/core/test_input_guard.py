"""Issue 11 §6: malformed input is a 4xx with a Vietnamese page, a slow query a 503, never a 500 or a hung worker."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from config.settings import add_statement_timeout
from core.forms import BIGINT_MAX, parsed_id
from core.models import Notification
from core.statement_timeout import lift_for_migrations, restore_after_migrations
from tests.factories import UserFactory
from tests.lifecycle import as_

pytestmark = pytest.mark.django_db
REFUSED = "Yêu cầu không hợp lệ (400)"


def _slow(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("done")


def _refused_value(request):
    # PostgreSQL refuses a NUL in text; the guard's form checks do not see a value built by the code itself.
    Notification.objects.filter(url="a\x00b").exists()
    return HttpResponse("done")


urlpatterns = [path("cham/", _slow), path("gia-tri/", _refused_value)]


@pytest.mark.parametrize("query", ["q=a%00b", "a%00=1", "q=%ff%fe", "q=\xff", "id=%c0%af"])
def test_nul_bytes_and_invalid_utf8_in_the_query_string_are_a_400_in_vietnamese(head, query):
    response = as_(head).get(reverse("core:notifications"), QUERY_STRING=query)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_nul_or_invalid_utf8_in_a_form_body_or_a_cookie_is_a_400(head):
    client = as_(head)
    url = reverse("core:notification_preferences")
    for body in (b"delivery=a%00b", b"delivery=%ff"):
        assert client.post(url, body, content_type="application/x-www-form-urlencoded").status_code == 400
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijk"
    assert client.get(reverse("core:notifications")).status_code == 400


def test_vietnamese_text_passes_the_guard(head):
    response = as_(head).get(reverse("core:notifications"), {"trang": "Nguyễn Thị Ánh", "q": "²"})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "١", "1e3", "-1", "0", " 12", "12.0", str(BIGINT_MAX + 1), "99999999999999999999"])
def test_an_id_is_ascii_digits_within_bigint(value):
    assert parsed_id(value) is None


def test_a_well_formed_id_is_read():
    assert parsed_id("12") == 12
    assert parsed_id(str(BIGINT_MAX)) == BIGINT_MAX
    assert parsed_id("") is None


@pytest.mark.parametrize("value", ["²", "١", "1e3", "99999999999999999999"])
def test_marking_a_malformed_notification_id_read_is_not_found(head, value):
    response = as_(head).post(reverse("core:notifications_mark_read"), {"id": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["²", "abc", "99999999999999999999"])
def test_a_non_number_in_an_admin_picker_is_a_form_error(department, value):
    superuser = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    response = as_(superuser).post(reverse("admin:accounts_position_add"), {
        "person": value, "unit": value, "role": "staff", "category": "state_leader", "start_date": "01/01/2024",
    })
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() >= {"person", "unit"}


def test_a_forged_formset_count_builds_no_more_than_the_inline_allows(department):
    superuser = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    prefix = "positions"
    response = as_(superuser).post(reverse("admin:accounts_user_change", args=[superuser.pk]), {
        "username": "quantri", "full_name": "Quản trị", f"{prefix}-TOTAL_FORMS": "99999999",
        f"{prefix}-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert len(formset.forms) <= 100
    assert formset.non_form_errors()


@pytest.mark.postgres
@pytest.mark.urls(__name__)
def test_a_value_the_database_refuses_is_a_400_not_a_500():
    response = Client(raise_request_exception=False).get("/gia-tri/")
    assert response.status_code == 400


@pytest.mark.postgres
def test_the_web_connection_has_the_statement_timeout_of_the_settings():
    assert settings.DATABASE_STATEMENT_TIMEOUT == 30
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"
        lift_for_migrations(sender=None, using="default")
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
        restore_after_migrations(sender=None, using="default")
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_a_worker_setting_comes_after_the_web_one_and_wins():
    database = {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c search_path=app"}}
    add_statement_timeout(database, 30)
    add_statement_timeout(database, 0)
    assert database["OPTIONS"]["options"] == "-c search_path=app -c statement_timeout=30000 -c statement_timeout=0"


@pytest.mark.postgres
@pytest.mark.urls(__name__)
def test_a_query_past_the_statement_timeout_is_cancelled_and_answered_503():
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 200")  # what DATABASE_STATEMENT_TIMEOUT does, shorter
    started = time.monotonic()
    response = Client(raise_request_exception=False).get("/cham/")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert "Hệ thống đang bận" in response.content.decode()
    assert response["Retry-After"] == "60"


def test_every_free_text_field_of_a_form_has_a_maximum_length():
    """A 100,000-character reason is refused by the form, not stored (issue 11 §6). The proposal plan's fields are
    capped by proposals/forms.py itself; a password is hashed, never stored."""
    import importlib
    import inspect

    from django import forms

    unbounded = []
    for app in ("core", "accounts", "approvals", "implementation", "directions", "evaluation", "incidents",
                "publication", "reports"):
        module = importlib.import_module(f"{app}.forms")
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                unbounded += [f"{app}.{name}.{field_name}" for field_name, field in form.base_fields.items()
                              if type(field) is forms.CharField and field.max_length is None
                              and not isinstance(field.widget, forms.PasswordInput)]
    assert not unbounded
