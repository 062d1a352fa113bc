"""Sign-in throttling (issue 11 §1): django-axes, tuned and wired into the audit log.

Axes counts failed sign-ins (the app's login and the admin's: both go through `authenticate()`) and refuses the
next ones once a limit is reached, without any `sleep` that would hold a worker. Here:
- two independent limits: one per account (AXES_FAILURE_LIMIT) and a higher one per client address
  (SIGN_IN_ADDRESS_FAILURE_LIMIT), so that a typo-prone colleague behind the agency's shared address does not
  lock the whole office, and one address spraying many accounts is still stopped;
- a cool-off that doubles for each earlier lock of the account or address within a day (`cool_off`);
- the client address from REMOTE_ADDR, or X-Forwarded-For only behind proxies the settings declare (`client_ip`);
- a Vietnamese 429 page saying until when (`locked_out_response`);
- the lock and the admin's unlock in the audit chain (`sign_in_locked`, `sign_in_unlocked`); the failures
  themselves stay in axes' tables.
"""

import datetime
import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, Sum
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from core.audit import audit_record

# A lock counts towards a longer next cool-off for this long.
REPEAT_WINDOW = datetime.timedelta(days=1)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind SIGN_IN_TRUSTED_PROXY_COUNT proxies of ours the address the
    outermost of them saw, which it appended to X-Forwarded-For (entries left of it are the client's to forge)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.SIGN_IN_TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


def attempted_username(request, credentials=None) -> str | None:
    """The username tried, as axes reads it, cut to the length of its column: longer is no account's name (150
    at most), and would end the failed sign-in in a database error, a 500, instead of the form's message."""
    source = credentials or getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[: AccessAttempt._meta.get_field("username").max_length] if isinstance(username, str) else username


def cool_off(request=None) -> datetime.timedelta:
    """SIGN_IN_COOLOFF_MINUTES, doubled for each lock of this account or address within REPEAT_WINDOW, up to
    SIGN_IN_COOLOFF_MAX_MINUTES. Axes asks when it records a failure, and that failure expires after it."""
    base = datetime.timedelta(minutes=settings.SIGN_IN_COOLOFF_MINUTES)
    ceiling = datetime.timedelta(minutes=settings.SIGN_IN_COOLOFF_MAX_MINUTES)
    if request is None or not hasattr(request, "axes_ip_address"):
        return base
    username = get_client_username(request, getattr(request, "axes_credentials", None))
    earlier_locks = AccessFailureLog.objects.filter(
        Q(username=username) | Q(ip_address=request.axes_ip_address),
        locked_out=True,
        attempt_time__gte=timezone.now() - REPEAT_WINDOW,
    ).count()
    # Past the ceiling's exponent, stop doubling (2**n of an attacker's hundreds of locks is no number).
    return min(base * 2 ** min(earlier_locks, 20), ceiling)


class ThrottlingHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for each lockout parameter and per-failure expiry."""

    @staticmethod
    def limits() -> dict[str, int]:
        return {"username": settings.AXES_FAILURE_LIMIT, "ip_address": settings.SIGN_IN_ADDRESS_FAILURE_LIMIT}

    def get_user_attempts(self, request, credentials=None):
        """The failures that still count: each until its own expiry (axes filters on one cool-off for all)."""
        now = timezone.now()
        return [
            attempts.filter(expiration__expires_at__gt=now)
            for attempts in self.filter_user_attempts(request, credentials)
        ]

    def _attempts_by_parameter(self, request, credentials):
        return zip(settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials), strict=True)

    def get_failures(self, request, credentials=None) -> int:
        """Failures in units of AXES_FAILURE_LIMIT, the one number axes compares: an address at its own (higher)
        limit counts as an account at AXES_FAILURE_LIMIT."""
        account_limit, limits = settings.AXES_FAILURE_LIMIT, self.limits()
        return max(
            (attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0) * account_limit // limits[parameter]
            for parameter, attempts in self._attempts_by_parameter(request, credentials)
        )

    def locks(self, request, credentials=None) -> dict[str, datetime.datetime]:
        """{"username" / "ip_address": when that lock ends} for the limits this request has reached.

        A lock ends when the failures that expire last no longer reach the limit: walking them from the latest
        expiry back, the one at which they add up to the limit is the moment."""
        ends = {}
        for parameter, attempts in self._attempts_by_parameter(request, credentials):
            left = self.limits()[parameter]
            rows = attempts.order_by("-expiration__expires_at").values_list("failures_since_start", "expiration__expires_at")
            for failures, expires_at in rows:
                left -= failures
                if left <= 0:
                    ends[parameter] = expires_at
                    break
        return ends


def _handler() -> ThrottlingHandler:
    return AxesProxyHandler.get_implementation()


def locked_out_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets instead of the form (HTTP 429), with the lock's end in Hà Nội time."""
    locks = _handler().locks(request, credentials)
    until = max(locks.values(), default=None)
    if until is not None:
        # Shown to the minute: round up, so that "from HH:MM" is never a minute too early.
        until = (until + datetime.timedelta(seconds=59, microseconds=999999)).replace(second=0, microsecond=0)
    context = {
        "account_locked": "username" in locks,
        "address_locked": "ip_address" in locks,
        "until": until,
        "username": get_client_username(request, credentials) or "",
    }
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _audit_subject(username: str | None, ip_address: str | None):
    """What the event is about: the account when it exists, otherwise the attempts' own record."""
    user = get_user_model().objects.filter(username=username).first() if username else None
    return user or AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=ip_address)).first()


@receiver(user_locked_out, dispatch_uid="accounts.throttling.audit_lock")
def audit_lock(sender, request, username, ip_address, **kwargs):
    """`sign_in_locked` once per lock. Axes signals again at every attempt refused during the lock; those come
    without a failure count, as AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off, and are not recorded."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    credentials = getattr(request, "axes_credentials", None)
    locks = _handler().locks(request, credentials)
    audit_record(
        action="sign_in_locked",
        obj=_audit_subject(username, ip_address),
        payload={
            "username": username or "",
            "ip_address": ip_address or "",
            "locked": sorted(locks),
            "until": max(locks.values(), default=None),
        },
    )


@transaction.atomic
def unlock_sign_in(*, username: str | None, ip_address: str | None, by) -> int:
    """Reopen sign-in for an account and its address before the cool-off ends (an admin's decision, audited).

    Clears the failures of the account and those from the address; returns how many failures they held."""
    subject = _audit_subject(username, ip_address)
    attempts = AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=ip_address))
    cleared = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    reset(username=username, ip=ip_address, ip_or_username=True)
    if subject is not None:
        audit_record(
            action="sign_in_unlocked",
            obj=subject,
            actor=by,
            payload={"username": username or "", "ip_address": ip_address or "", "failures_cleared": cleared},
        )
    return cleared
