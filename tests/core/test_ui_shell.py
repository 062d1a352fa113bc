"""The UI shell: login required everywhere, Vietnamese first, dd/mm/yyyy, error pages, login and logout."""

import datetime
import zoneinfo

import pytest
import time_machine
from django import forms
from django.contrib.auth import get_user
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, converters, get_resolver, path, reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from pytest_django.asserts import assertRedirects, assertTemplateUsed

from accounts.models import Position
from config import urls as project_urls
from core.models import Notification
from core.views import error_500
from tests.factories import DEMO_PASSWORD
from tests.lifecycle import submitted_proposal

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
LOGIN_PATH = "/tai-khoan/dang-nhap/"

# Views anyone may open: signing in, and signing out (POST only, harmless without a session).
# The unit search serves the public incident form (anyone may report, Art. 6): unit names are public.
# The single sign-on start and callback are the sign-in itself (404 while SSO is not configured).
PUBLIC_VIEWS = {"accounts:login", "accounts:logout", "accounts:units-autocomplete", "accounts:sso_start",
                "accounts:sso_callback"}


# A sample value for each path converter: the login check comes before the view looks at its arguments.
SAMPLE_ARGUMENTS = {
    converters.IntConverter: 1,
    converters.StringConverter: "x",
    converters.SlugConverter: "x",
    converters.PathConverter: "x",
    converters.UUIDConverter: "00000000-0000-0000-0000-000000000001",
}


def _views(namespace: str) -> dict[str, URLPattern]:
    """Every named view of `namespace`, read from the resolver so that new views are covered too."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{prefix}{pattern.name}", pattern

    _prefix, resolver = get_resolver().namespace_dict[namespace]
    return dict(walk(resolver.url_patterns, f"{namespace}:"))


def _login_required_views() -> dict[str, URLPattern]:
    views = _views("core") | _views("accounts")
    return {name: pattern for name, pattern in sorted(views.items()) if name not in PUBLIC_VIEWS}


def test_the_view_list_is_read_from_the_url_conf():
    # Guards the parametrised test below against silently running over nothing.
    assert {"core:home", "accounts:password_change", "accounts:password_change_done"} <= set(_login_required_views())


@pytest.mark.parametrize("view_name", list(_login_required_views()))
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, view_name):
    pattern = _login_required_views()[view_name]
    converters_ = getattr(pattern.pattern, "converters", {})
    url = reverse(view_name, kwargs={name: SAMPLE_ARGUMENTS[type(conv)] for name, conv in converters_.items()})

    response = client.get(url)
    if response.status_code == 405:  # a POST-only action: try it the way a form would
        response = client.post(url)

    assertRedirects(response, f"{LOGIN_PATH}?next={url}", fetch_redirect_response=False)


def test_an_anonymous_visitor_of_the_admin_is_sent_to_its_login_page(client, db):
    response = client.get("/quan-tri/")

    assertRedirects(response, "/quan-tri/login/?next=/quan-tri/", fetch_redirect_response=False)


def test_the_login_page_is_vietnamese_even_for_an_english_browser(client, db):
    response = client.get(LOGIN_PATH, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert response.headers["Content-Language"] == "vi"
    # Django's own messages are Vietnamese too.
    assert "Trường này là bắt buộc." in client.post(LOGIN_PATH, {}, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_choosing_english_switches_the_interface_to_english(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_PATH})

    assertRedirects(response, LOGIN_PATH, fetch_redirect_response=False)
    assert response.cookies["django_language"].value == "en"

    page = client.get(LOGIN_PATH)
    assert '<html lang="en">' in page.content.decode()
    assert page.headers["Content-Language"] == "en"
    errors = client.post(LOGIN_PATH, {}).content.decode()
    assert "This field is required." in errors
    assert "Trường này là bắt buộc." not in errors


def test_a_language_dependent_page_tells_caches_it_varies_with_the_cookie(client, db):
    response = client.get(LOGIN_PATH)

    assert "Cookie" in response.headers["Vary"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_date_typed_day_first_means_day_first_in_every_language(language):
    field = forms.DateField()
    with translation.override(language):
        assert field.clean("05/04/2026") == datetime.date(2026, 4, 5)
        assert field.clean("2026-04-05") == datetime.date(2026, 4, 5)
        assert field.clean("13/04/2026") == datetime.date(2026, 4, 13)
        with pytest.raises(forms.ValidationError):
            field.clean("04/13/2026")  # month first is never accepted


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_date_is_shown_day_first_in_every_language(language):
    template = Template('{{ day|date:"SHORT_DATE_FORMAT" }}')
    with translation.override(language):
        assert template.render(Context({"day": datetime.date(2026, 4, 5)})) == "05/04/2026"


def test_an_unknown_page_gives_the_vietnamese_404_page(client, db, settings):
    settings.DEBUG = False

    response = client.get("/khong-ton-tai/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assertTemplateUsed(response, "errors/404.html")
    assert "Không tìm thấy trang (404)" in response.content.decode()


# A URL conf for the error handlers: the project's URLs plus two views that fail on purpose.
def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("hỏng")


urlpatterns = [
    path("thu-loi/403/", _forbidden),
    path("thu-loi/500/", _broken),
    *project_urls.urlpatterns,
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.urls(__name__)
def test_a_refused_action_gives_the_vietnamese_403_page(client, head, settings):
    settings.DEBUG = False
    client.force_login(head)

    response = client.get("/thu-loi/403/")

    assert response.status_code == 403
    assertTemplateUsed(response, "errors/403.html")
    assert "Không có quyền truy cập (403)" in response.content.decode()


@pytest.mark.urls(__name__)
def test_a_server_error_page_is_rendered_without_the_database(settings):
    # No database mark: pytest-django makes any query in this test raise.
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get("/thu-loi/500/")

    assert response.status_code == 500
    assert "Lỗi hệ thống (500)" in response.content.decode()


def test_the_500_handler_renders_for_a_signed_in_user_without_the_database():
    # A signed-in user's request: the session and the user load lazily from the database on first use,
    # so a handler that rendered navigation or context processors would query (and fail here).
    request = RequestFactory().get("/")
    request.session = SessionStore(session_key="phien-dang-nhap")
    request.user = SimpleLazyObject(lambda: get_user(request))

    response = error_500(request)

    assert response.status_code == 500
    assert "Lỗi hệ thống (500)" in response.content.decode()


def test_a_wrong_password_shows_the_vietnamese_error(client, head):
    response = client.post(LOGIN_PATH, {"username": head.username, "password": "sai-mat-khau"})

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


@time_machine.travel(datetime.datetime(2026, 4, 6, 8, 30, tzinfo=VN), tick=False)
def test_a_head_who_signs_in_sees_their_unit_and_title(client, head, department):
    response = client.post(LOGIN_PATH, {"username": head.username, "password": DEMO_PASSWORD}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    html = response.content.decode()
    assert head.get_full_name() in html
    assert "Giám đốc" in html
    assert department.name in html
    assert "01/01/2024" in html


@time_machine.travel(datetime.datetime(2026, 4, 6, 8, 30, tzinfo=VN), tick=False)
def test_the_home_page_shows_only_positions_held_today(client, head, department):
    Position.objects.filter(person=head).update(end_date=datetime.date(2026, 4, 5))
    client.force_login(head)

    html = client.get("/").content.decode()

    assert department.name not in html
    assert "Bạn chưa được phân công chức vụ nào" in html


@time_machine.travel(datetime.datetime(2026, 4, 6, 8, 30, tzinfo=VN), tick=False)
def test_the_home_page_loads_the_positions_once(client, head, deputy, department, django_assert_num_queries):
    # A second position, so that a query per position would show.
    Position.objects.create(person=head, unit=department, role=Position.Role.SECRETARIAT, start_date=datetime.date(2025, 1, 1))
    client.force_login(head)

    # The session, the user, today's positions with their units (shared by the navigation bar and the
    # page through the `acting` context processor), the navigation's badges (unread notifications and every inbox
    # section's rows counted: one query); the task box: the first rows of each inbox section that has any, one query
    # each (none here), whatever the number of rows; "my proposals" (1); the secretariat's overview: the units in
    # scope (1) and the proposals counted by status (1).
    with django_assert_num_queries(7):
        html = client.get("/").content.decode()

    # Each position, and the unit of the secretariat's overview.
    assert html.count(department.name) == 3


def test_the_old_javascript_catalog_route_is_gone(client, head):
    client.force_login(head)

    assert client.get("/jsi18n/").status_code == 404


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("/de-xuat/1/", True),
        ("http://testserver/de-xuat/1/", True),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
    ],
)
def test_a_notification_links_only_inside_the_site(client, head, url, linked):
    Notification.objects.create(recipient=head, message="Có việc cần xử lý", url=url)
    client.force_login(head)

    html = client.get(reverse("core:notifications")).content.decode()

    assert "Có việc cần xử lý" in html
    assert (f'href="{escape(url)}"' in html) is linked


def test_signing_out_by_post_ends_the_session(client, head):
    client.force_login(head)

    response = client.post(reverse("accounts:logout"))

    assertRedirects(response, LOGIN_PATH, fetch_redirect_response=False)
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_signing_out_by_get_is_refused(client, head):
    client.force_login(head)

    response = client.get(reverse("accounts:logout"))

    assert response.status_code == 405
    assert client.get("/").status_code == 200


def test_the_home_page_counts_what_awaits_the_user_in_each_stage(client, head, proposer, department):
    submitted_proposal(proposer=proposer)
    client.force_login(head)
    box = client.get("/").content.decode().split('id="viec-cho-ban-heading"')[1].split("</section>")[0]
    assert "Đề xuất chờ cơ quan xem xét, quyết định" in box and 'href="/de-xuat/viec-can-xu-ly/#cho-xu-ly"' in box
    client.force_login(proposer)
    box = client.get("/").content.decode().split('id="viec-cho-ban-heading"')[1].split("</section>")[0]
    assert "Hiện không có việc nào cần bạn xử lý." in box
