"""Sign-in throttling (issue 11 §1): guessing passwords locks the account, or the address, for a while; the page
says until when, the right password does not open a lock, admins can unlock, and the audit log has both."""

import datetime
import zoneinfo

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.throttling import client_ip
from core.audit import verify_chain
from core.models import AuditEvent
from tests.factories import DEMO_PASSWORD, staff_with

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
HOME, ELSEWHERE = "203.0.113.5", "198.51.100.7"

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW)]


@pytest.fixture(autouse=True)
def _throttling_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 20
    settings.SIGN_IN_COOLOFF_MINUTES = 15


def sign_in(username, password=DEMO_PASSWORD, ip=HOME, url=None):
    """A POST of the login form from a fresh browser at `ip`; the response."""
    url = url or reverse("accounts:login")
    return Client().post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def fail(username, times, ip=HOME, url=None):
    return [sign_in(username, "sai-mat-khau", ip=ip, url=url).status_code for _ in range(times)]


def lock_events(action="sign_in_locked"):
    return list(AuditEvent.objects.filter(action=action))


def test_four_failures_still_let_the_right_password_in(head):
    assert fail(head.username, 4) == [200] * 4
    assert signed_in(sign_in(head.username))


def test_the_fifth_failure_locks_the_account_even_against_the_right_password(head):
    assert fail(head.username, 5) == [200] * 4 + [429]

    response = sign_in(head.username)

    assert response.status_code == 429 and not signed_in(response)
    page = response.content.decode()
    assert "Tài khoản <strong>giamdoc</strong> tạm thời bị khóa đăng nhập" in page
    assert "02/03/2026 09:15" in page and "giờ Hà Nội" in page
    assert "quản trị viên" in page and "<nav" in page  # in our layout (base.html), not axes' plain text


def test_the_lock_is_recorded_once_in_the_audit_log(head):
    fail(head.username, 5)
    sign_in(head.username)
    fail(head.username, 2)

    (event,) = lock_events()
    assert (event.object_type, event.object_id) == ("accounts.user", str(head.pk))
    assert event.payload["username"] == "giamdoc" and event.payload["ip_address"] == HOME
    assert event.payload["locked"] == ["username"]
    assert verify_chain()[1] is None


def test_an_account_lock_holds_from_every_address_and_spares_others_at_the_same_address(head, proposer):
    fail(head.username, 5)

    assert sign_in(head.username, ip=ELSEWHERE).status_code == 429
    assert signed_in(sign_in(proposer.username))


def test_an_address_lock_stops_every_account_from_it_and_none_from_elsewhere(settings, head):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 3
    codes = [sign_in(name, "sai").status_code for name in ("khongco1", "khongco2", "khongco3")]
    assert codes == [200, 200, 429]

    refused = sign_in(head.username)
    assert refused.status_code == 429
    assert "Địa chỉ mạng bạn đang dùng tạm thời bị khóa" in refused.content.decode()
    assert signed_in(sign_in(head.username, ip=ELSEWHERE))
    (event,) = lock_events()
    assert event.object_type == "axes.accessattempt" and event.payload["locked"] == ["ip_address"]


def test_a_forged_forwarded_for_does_not_escape_the_address_lock(settings, head):
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 3
    for n in range(3):
        Client().post(reverse("accounts:login"), {"username": f"x{n}", "password": "sai"},
                      REMOTE_ADDR=HOME, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = Client().post(reverse("accounts:login"), {"username": head.username, "password": DEMO_PASSWORD},
                             REMOTE_ADDR=HOME, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


def test_the_lock_ends_after_the_cool_off(head, time_machine):
    fail(head.username, 5)

    time_machine.move_to(NOW + datetime.timedelta(minutes=14, seconds=59), tick=False)
    assert sign_in(head.username).status_code == 429
    time_machine.move_to(NOW + datetime.timedelta(minutes=15, seconds=1), tick=False)
    assert signed_in(sign_in(head.username))


def test_a_second_lock_within_a_day_lasts_twice_as_long(head, time_machine):
    fail(head.username, 5)
    second = NOW + datetime.timedelta(minutes=16)
    time_machine.move_to(second, tick=False)
    assert fail(head.username, 5)[-1] == 429

    time_machine.move_to(second + datetime.timedelta(minutes=29), tick=False)
    response = sign_in(head.username)
    assert response.status_code == 429 and "02/03/2026 09:46" in response.content.decode()
    time_machine.move_to(second + datetime.timedelta(minutes=30, seconds=1), tick=False)
    assert signed_in(sign_in(head.username))


def test_the_admin_login_offers_no_way_around_the_throttle(admin_user):
    """The admin's login only sends a visitor to ours (issue 11 §2): a password posted there is never checked,
    and once ours has locked the account, the admin's answers the same way."""
    url = reverse("admin:login")
    posted = [sign_in(admin_user.username, "sai-mat-khau", url=url) for _ in range(6)]
    assert {response.status_code for response in posted} == {302}
    assert all(response["Location"].startswith(reverse("accounts:login")) for response in posted)
    assert not AccessAttempt.objects.exists()  # nothing was authenticated there, nothing to count

    assert fail(admin_user.username, 5)[-1] == 429
    response = sign_in(admin_user.username, url=url)
    assert not signed_in(response)
    assert sign_in(admin_user.username).status_code == 429
    assert lock_events()[0].object_id == str(admin_user.pk)


def test_the_admin_lists_lockouts_in_vietnamese(client, admin_user, head):
    fail(head.username, 5)
    client.force_login(admin_user)

    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()

    assert "Mở khóa đăng nhập" in page and "giamdoc" in page
    assert "Số lần sai" in page and "Hết hiệu lực lúc" in page  # axes' labels, from locale/vi
    assert "Chống dò mật khẩu" in client.get(reverse("admin:index")).content.decode()
    attempt = AccessAttempt.objects.get()
    assert client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).status_code == 200


def test_the_unlock_action_reopens_sign_in_and_is_audited(client, admin_user, head):
    fail(head.username, 5)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True))},
        follow=True,
    )

    assert "Đã mở khóa đăng nhập cho 1 tài khoản/địa chỉ." in response.content.decode()
    assert signed_in(sign_in(head.username))
    (event,) = lock_events("sign_in_unlocked")
    assert event.actor == admin_user and event.object_id == str(head.pk)
    assert event.payload == {"username": "giamdoc", "ip_address": HOME, "failures_cleared": 5}
    assert verify_chain()[1] is None


def test_staff_without_the_permission_do_not_get_the_unlock(client, head):
    fail(head.username, 5)
    client.force_login(staff_with("xemkhoa", "axes.view_accessattempt"))

    response = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 200 and "Mở khóa đăng nhập" not in response.content.decode()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "10.1.1.1", HOME),  # no proxy declared: the header is the client's to forge
        (1, "10.1.1.1, 192.0.2.9", "192.0.2.9"),  # our proxy appended what it saw
        (2, "10.1.1.1, 192.0.2.9, 10.0.0.2", "192.0.2.9"),
        (1, "not-an-address", HOME),
        (2, "192.0.2.9", HOME),  # fewer entries than proxies: not through ours
    ],
)
def test_the_client_address_trusts_only_declared_proxies(settings, proxies, forwarded, expected):
    settings.SIGN_IN_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post("/", REMOTE_ADDR=HOME, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_hostile_username_is_a_form_error_not_a_500(head):
    assert sign_in("giam\x00doc").status_code == 200
    assert fail("g" * 100_000, 5) == [200] * 4 + [429]  # counted (cut to axes' column), not a database error
