"""The state of a session between the password and the second factor (issue 11 §2).

Chosen: the password logs the session in, marked pending, rather than keeping the person signed out until the
code. Someone who must enrol has to be signed in to reach the enrolment pages anyway, so one mechanism covers
both states; the mark is set on django.contrib.auth's `user_logged_in`, so every way of signing in (our form, the
admin's, `force_login`) gets it; and the fence (middleware) lets a pending session reach only an allow-list of
pages, so a page added later is fenced without anyone remembering to.
"""

import django_otp
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ..sso import is_sso_user
from .services import Stage, stage_after_password

PENDING_KEY = "two_factor_pending"
RECOVERY_CODES_KEY = "two_factor_recovery_codes"


@receiver(user_logged_in, dispatch_uid="two_factor_mark_pending")
def mark_pending(sender, request, user, **kwargs) -> None:
    """After the password: remember what the session still has to do (computed once, not on every request).
    The two factors are ours to ask for a local sign-in only: a sign-in through the provider has its own."""
    stage = None if is_sso_user(user) else stage_after_password(user)
    if stage is None:
        request.session.pop(PENDING_KEY, None)
    else:
        request.session[PENDING_KEY] = stage.value


def pending_stage(request) -> Stage | None:
    """What this signed-in session must do before it may use the application, or None."""
    stage = request.session.get(PENDING_KEY)
    # otp_device, not is_verified(): a user just signed in by `login` is no longer the one OTPMiddleware wrapped.
    if stage is None or not request.user.is_authenticated or getattr(request.user, "otp_device", None) is not None:
        return None
    return Stage(stage)


def mark_verified(request, device) -> None:
    """The second factor is proven: the session is verified (django-otp) under a new session key."""
    django_otp.login(request, device)
    request.session.pop(PENDING_KEY, None)
    request.session.cycle_key()


def keep_recovery_codes(request, codes: list[str]) -> None:
    """Hand new recovery codes to the page that shows them, once."""
    request.session[RECOVERY_CODES_KEY] = codes


def take_recovery_codes(request) -> list[str]:
    return request.session.pop(RECOVERY_CODES_KEY, [])
