"""Who needs a second factor, enrolment, recovery codes and the checking of a code (issue 11 §2).

Codes and secrets never reach the audit log: its events say what happened to whose second factor, no more.
"""

import enum
import math

import django_otp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Position, User
from accounts.selectors import today
from core.audit import audit_record

# The name TWO_FACTOR_REQUIRED_ROLES gives to staff and superusers (the others are Position.Role values).
ADMIN_ROLE = "admin"
ROLE_CHOICES = (*Position.Role.values, ADMIN_ROLE)
RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "default"


class Stage(enum.StrEnum):
    """What a signed-in but unverified session still has to do."""

    VERIFY = "verify"  # type a code of the device it has
    ENROL = "enrol"  # a second factor is required and there is none yet


class CodeRefused(Exception):
    """A code that did not verify; the message says why (wrong, or wait after too many wrong codes)."""


def is_required(user: User) -> bool:
    """Whether `user` must have a second factor: a role of TWO_FACTOR_REQUIRED_ROLES held today."""
    roles = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if ADMIN_ROLE in roles and (user.is_staff or user.is_superuser):
        return True
    position_roles = roles - {ADMIN_ROLE}
    return bool(position_roles) and (
        Position.objects.held_on(today()).filter(person=user, role__in=position_roles).exists()
    )


def totp_device(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator, if enrolled."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def stage_after_password(user: User) -> Stage | None:
    """What a session signed in by password alone must still do, or None when a password is enough."""
    if totp_device(user) is not None:
        return Stage.VERIFY
    return Stage.ENROL if is_required(user) else None


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled: the same one across reloads of the page, so that the QR code
    the person already scanned stays the one to confirm."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _refusal(user: User, device: Device | None, code: str) -> CodeRefused | None:
    """Why `code` does not verify on `device` under django-otp's throttling, or None when it does.

    Returned, not raised: a wrong code must still count towards the throttle when the caller's transaction
    is rolled back by the refusal."""
    wrong = CodeRefused(_("Mã không đúng hoặc đã hết hạn."))
    if device is None:
        return wrong
    allowed, details = device.verify_is_allowed()
    if not allowed:
        seconds = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
        return CodeRefused(
            _("Đã nhập sai nhiều lần liên tiếp: hãy chờ %(seconds)d giây rồi thử lại.") % {"seconds": seconds}
        )
    # django_otp.verify_token locks the device row: one code cannot be accepted twice by concurrent requests.
    return wrong if django_otp.verify_token(user, device.persistent_id, code) is None else None


def _verify(user: User, device: Device | None, code: str) -> None:
    if refusal := _refusal(user, device, code):
        raise refusal


def _is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def check_code(user: User, code: str) -> Device:
    """The device that accepts `code`: six digits go to the authenticator, anything else is tried as a recovery
    code (used up by this check, and recorded). CodeRefused otherwise."""
    if _is_totp_code(code):
        device = totp_device(user)
        _verify(user, device, code)
        return device
    recovery = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    with transaction.atomic():
        refusal = _refusal(user, recovery, code.lower())
        if refusal is None:
            # In the same transaction as the code's removal. Which code is never said: it is a secret until used.
            audit_record(
                action="two_factor_recovery_code_used", obj=user, actor=user,
                payload={"remaining": recovery.token_set.count()},
            )
    if refusal:
        raise refusal
    return recovery


def check_authenticator_code(user: User, code: str) -> TOTPDevice:
    """`check_code` for the changes that need the authenticator itself, not a recovery code."""
    if not _is_totp_code(code):
        raise CodeRefused(_("Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực."))
    device = totp_device(user)
    _verify(user, device, code)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODE_COUNT new ones and return them (to show once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_enrolment(user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator being enrolled with its first code; returns it and the new recovery codes."""
    if not _is_totp_code(code):
        raise CodeRefused(_("Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực."))
    device = enrolment_device(user)
    _verify(user, device, code)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit_record(action="two_factor_enrolled", obj=user, actor=user, payload={"recovery_codes": len(codes)})
    return device, codes


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), asked for with a current authenticator code."""
    check_authenticator_code(user, code)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(action="two_factor_recovery_codes_regenerated", obj=user, actor=user,
                     payload={"recovery_codes": len(codes)})
    return codes


def may_disable(user: User) -> bool:
    return not is_required(user)


def disable(user: User, code: str) -> None:
    """Remove the person's second factor, with a current authenticator code; refused to a required role."""
    if not may_disable(user):
        raise CodeRefused(_("Chức vụ của bạn bắt buộc xác thực hai lớp: không thể tắt."))
    check_authenticator_code(user, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(action="two_factor_disabled", obj=user, actor=user)
