"""Two factors for those who decide (issue 11 §2): the second step of signing in, the fence around a session that
has only passed its password, enrolment, recovery codes, and what the audit log keeps of it."""

import datetime
from base64 import b32decode
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import Error
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor.checks import required_roles_are_known
from core.models import AuditEvent
from tests.factories import DEMO_PASSWORD, UserFactory

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
pytestmark = pytest.mark.frozen_at(NOW)

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")
CODES = reverse("accounts:two_factor_codes")
OVERVIEW = reverse("accounts:two_factor")
HOME = reverse("core:home")
RECOVERY = [f"khoiphuc{n:02d}" for n in range(10)]


@pytest.fixture(autouse=True)
def required_roles(settings):
    """The production default (the test settings switch the requirement off for the rest of the suite)."""
    settings.TWO_FACTOR_REQUIRED_ROLES = ["head", "deputy", "secretariat", "admin"]


def code_of(device: TOTPDevice, *, later: int = 0) -> str:
    """The authenticator's code now (or `later` steps of 30 s on), as an app would show it."""
    return f"{totp(device.bin_key, drift=later):06d}"


def enrol(person) -> TOTPDevice:
    """A confirmed authenticator and the recovery codes RECOVERY, as if enrolled earlier."""
    device = TOTPDevice.objects.create(user=person, name="default", confirmed=True)
    recovery = StaticDevice.objects.create(user=person, name="default", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=token) for token in RECOVERY)
    return device


def sign_in(person, next_to: str | None = None) -> tuple[Client, str]:
    """A client past the password form; the address it was sent to."""
    client = Client()
    data = {"username": person.username, "password": DEMO_PASSWORD} | ({"next": next_to} if next_to else {})
    response = client.post(LOGIN, data)
    assert response.status_code == 302
    return client, response.url


def type_code(client: Client, code: str, next_to: str = "") -> object:
    return client.post(VERIFY, {"code": code, "next": next_to})


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_a_head_without_a_device_reaches_only_the_enrolment_pages(head):
    client, url = sign_in(head, next_to="/de-xuat/")
    assert url == f"{SETUP}?next=%2Fde-xuat%2F"
    for page in (HOME, "/de-xuat/", "/quan-tri/", VERIFY, OVERVIEW):
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith(f"{SETUP}?next="), page
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "Chức vụ của bạn bắt buộc xác thực hai lớp" in page.content.decode()
    # No navigation bar, no unread count for a session that has only its password.
    assert "Điều hướng chính" in page.content.decode() and reverse("core:notifications") not in page.content.decode()
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(HOME).url.startswith(LOGIN)


def test_enrolment_refuses_a_wrong_first_code_and_confirms_with_the_right_one(head):
    client, _url = sign_in(head)
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=head, confirmed=False)
    secret = page.split('id="two-factor-secret" class="fs-5">')[1].split("<")[0]
    assert b32decode(secret.replace(" ", "")) == device.bin_key  # typed by hand when the QR code cannot be read
    assert "<svg" in page and "Decree73: giamdoc" in page

    wrong = client.post(SETUP, {"code": f"{(int(code_of(device)) + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 200 and "Mã không đúng hoặc đã hết hạn." in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    letters = client.post(SETUP, {"code": "12a456"})
    assert "Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực." in letters.content.decode()
    assert client.get(HOME).url.startswith(SETUP)


def test_the_right_first_code_enrols_and_shows_ten_recovery_codes_once(head, time_machine):
    client, _url = sign_in(head)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=head)
    response = client.post(SETUP, {"code": code_of(device), "next": "/de-xuat/"})
    assert response.status_code == 302 and response.url == f"{CODES}?next=%2Fde-xuat%2F"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed

    page = client.get(response.url).content.decode()
    codes = list(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in page for code in codes)
    assert 'download="ma-du-phong.txt"' in page and codes[0] in page.split('download="ma-du-phong.txt"')[0]
    assert client.get(CODES).url == OVERVIEW  # shown once
    assert client.get("/de-xuat/").status_code == 200  # the session is verified: the fence is gone

    [event] = events("two_factor_enrolled")
    assert (event.actor, event.object_type, event.object_id) == (head, "accounts.user", str(head.pk))
    assert event.payload == {"recovery_codes": 10}


def test_sign_in_with_a_device_needs_the_code_and_keeps_next(head, time_machine):
    device = enrol(head)
    client, url = sign_in(head, next_to="/de-xuat/?trang=2")
    assert url == f"{VERIFY}?next=%2Fde-xuat%2F%3Ftrang%3D2"
    assert client.get(HOME).url == f"{VERIFY}?next=%2F"
    assert client.get(SETUP).url.startswith(VERIFY)  # no enrolling another device past the fence

    wrong = type_code(client, "000000" if code_of(device) != "000000" else "111111", "/de-xuat/?trang=2")
    assert wrong.status_code == 200 and "Mã không đúng hoặc đã hết hạn." in wrong.content.decode()
    assert client.get(HOME).status_code == 302

    time_machine.shift(2)
    response = type_code(client, code_of(device), "/de-xuat/?trang=2")
    assert response.status_code == 302 and response.url == "/de-xuat/?trang=2"
    assert client.get(HOME).status_code == 200


def test_a_foreign_next_is_refused_after_the_code(head):
    device = enrol(head)
    client, url = sign_in(head, next_to="https://evil.example/dang-nhap/")
    assert url == f"{VERIFY}?next=%2F"  # the password form already refused it
    response = type_code(client, code_of(device), "https://evil.example/dang-nhap/")
    assert response.url == HOME


@pytest.mark.parametrize("next_to", ["-1", "de-xuat", "//evil.example/"])
def test_a_next_that_is_not_a_path_of_this_site_leads_home(head, next_to):
    """Found by the hostile-input sweep: "-1" passed as a relative address and redirect() took it for a URL name."""
    device = enrol(head)
    client, _url = sign_in(head)
    assert type_code(client, code_of(device), next_to).url == HOME


def test_wrong_codes_in_a_row_are_throttled_with_a_message(head, time_machine):
    device = enrol(head)
    client, _url = sign_in(head)
    type_code(client, "abcdefgh")  # a wrong recovery code counts on the recovery codes, not on the authenticator
    type_code(client, code_of(device, later=5))
    throttled = type_code(client, code_of(device)).content.decode()
    assert "Đã nhập sai nhiều lần liên tiếp: hãy chờ 1 giây rồi thử lại." in throttled
    time_machine.shift(1)
    assert type_code(client, code_of(device)).url == HOME


def test_a_recovery_code_works_once_and_only_once(head, time_machine):
    enrol(head)
    client, _url = sign_in(head)
    response = type_code(client, "KHOI-PHUC03")  # as printed, in capitals
    assert response.status_code == 302 and response.url == HOME
    assert client.get(HOME).status_code == 200
    [event] = events("two_factor_recovery_code_used")
    assert event.payload == {"remaining": 9} and event.actor == head

    time_machine.shift(60)
    again, _url = sign_in(head)
    refused = type_code(again, "khoiphuc03")
    assert "Mã không đúng hoặc đã hết hạn." in refused.content.decode()
    assert again.get(HOME).status_code == 302


def test_regenerating_recovery_codes_needs_a_code_and_ends_the_old_ones(head, time_machine):
    device = enrol(head)
    client, _url = sign_in(head)
    type_code(client, code_of(device))

    refused = client.post(reverse("accounts:two_factor_regenerate"), {"regenerate-code": RECOVERY[0]})
    assert refused.status_code == 400 and "Nhập mã 6 chữ số" in refused.content.decode()
    time_machine.shift(30)
    response = client.post(reverse("accounts:two_factor_regenerate"), {"regenerate-code": code_of(device)})
    assert response.url == CODES
    new_codes = set(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    assert len(new_codes) == 10 and not new_codes & set(RECOVERY)
    shown = client.get(CODES).content.decode()
    assert all(code in shown for code in new_codes)
    assert len(events("two_factor_recovery_codes_regenerated")) == 1


def test_an_optional_role_can_enrol_and_disable(proposer, time_machine):
    client, url = sign_in(proposer)
    assert url == HOME and client.get(HOME).status_code == 200  # no second factor required of staff
    assert "Chưa bật" in client.get(OVERVIEW).content.decode()
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=proposer)
    assert client.post(SETUP, {"code": code_of(device)}).url.startswith(CODES)

    time_machine.shift(30)
    assert 'name="disable-code"' in client.get(OVERVIEW).content.decode()
    response = client.post(reverse("accounts:two_factor_disable"), {"disable-code": code_of(device)})
    assert response.url == OVERVIEW
    assert not TOTPDevice.objects.filter(user=proposer).exists()
    assert not StaticDevice.objects.filter(user=proposer).exists()
    assert [e.actor for e in events("two_factor_disabled")] == [proposer]
    assert sign_in(proposer)[1] == HOME  # a password is enough again


def test_an_enrolled_optional_role_signs_in_with_the_code(proposer):
    enrol(proposer)
    assert sign_in(proposer)[1] == f"{VERIFY}?next=%2F"


def test_a_required_role_cannot_disable(head, time_machine):
    device = enrol(head)
    client, _url = sign_in(head)
    type_code(client, code_of(device))
    assert 'name="disable-code"' not in client.get(OVERVIEW).content.decode()
    time_machine.shift(30)
    response = client.post(reverse("accounts:two_factor_disable"), {"disable-code": code_of(device)})
    assert response.status_code == 400 and "không thể tắt" in response.content.decode()
    assert TOTPDevice.objects.filter(user=head).exists()
    assert not events("two_factor_disabled")


def test_the_admin_signs_in_through_both_steps(db):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    anonymous = Client().get("/quan-tri/")
    assert anonymous.url == "/quan-tri/login/?next=/quan-tri/"
    assert Client().get(anonymous.url).url == f"{LOGIN}?next=/quan-tri/"

    client, url = sign_in(admin, next_to="/quan-tri/")
    assert url == f"{SETUP}?next=%2Fquan-tri%2F"  # "admin" is a required role: enrol first
    assert client.get("/quan-tri/accounts/user/").url.startswith(SETUP)

    device = enrol(admin)
    client, url = sign_in(admin, next_to="/quan-tri/")
    assert client.get("/quan-tri/").url == f"{VERIFY}?next=%2Fquan-tri%2F"
    assert type_code(client, code_of(device), "/quan-tri/").url == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200
    # An administrator may remove someone's lost device but never read its key.
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200 and device.key not in change.content.decode()


def test_force_login_is_fenced_too(head):
    """The mark is set on every sign-in (user_logged_in), not only by the password form."""
    enrol(head)
    client = Client()
    client.force_login(head)
    assert client.get(HOME).url.startswith(VERIFY)


def test_no_code_or_secret_reaches_the_audit_log(head, time_machine):
    client, _url = sign_in(head)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=head)
    client.post(SETUP, {"code": code_of(device)})
    codes = list(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    client.post(reverse("accounts:logout"))
    again, _url = sign_in(head)
    type_code(again, codes[0])
    logged = str(list(AuditEvent.objects.values_list("payload", flat=True)))
    assert [e.action for e in AuditEvent.objects.order_by("seq")][-2:] == [
        "two_factor_enrolled", "two_factor_recovery_code_used"
    ]
    assert device.key not in logged and not any(code in logged for code in codes)


def test_a_code_with_a_nul_byte_is_a_form_error(head):
    enrol(head)
    client, _url = sign_in(head)
    response = type_code(client, "12\x003456")
    assert response.status_code == 200 and "is-invalid" in response.content.decode()


def test_an_unknown_required_role_fails_the_system_check(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["head", "giam_doc"]
    [error] = required_roles_are_known(None)
    assert isinstance(error, Error) and "giam_doc" in error.msg
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    assert required_roles_are_known(None) == []
