"""Notifications: in-app, sent after the change that causes them has committed, marked read by their reader, and
e-mailed (spec README §5) at once or in one daily digest, as each person chooses.

E-mail is sent at most once per notification: a sender claims the row with a conditional UPDATE (the claim
token and time), sends, and only then marks it sent; a claim left behind by a killed worker expires after
`MAIL_CLAIM_LEASE_SECONDS`. So a task run twice, or by two workers at once, sends one mail.
"""

import contextlib
import contextvars
import datetime
import logging
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import mail
from .audit import audit_record
from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

Delivery = NotificationPreference.Delivery
EmailStatus = Notification.EmailStatus


def unread(user):
    """`user`'s notifications not read yet: the navigation bar's badge counts them."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def unread_count_subquery(user) -> Coalesce:
    """The badge's count as an expression (core.badges), to annotate onto a query the page makes anyway instead of a
    COUNT query of its own."""
    counted = unread(user).order_by().values("recipient").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# Set while demo or bulk data is written: the notifications stay in the app and no e-mail is queued for them.
_IN_APP_ONLY = contextvars.ContextVar("notifications_in_app_only", default=False)


@contextlib.contextmanager
def in_app_only():
    """Notifications committed inside are not e-mailed (seeding the demo province: its people are invented)."""
    token = _IN_APP_ONLY.set(True)
    try:
        yield
    finally:
        _IN_APP_ONLY.reset(token)


def notify(*, recipients, message: str, params: dict | None = None, url: str = "") -> None:
    """Queue `message` (an untranslated msgid marked with gettext_noop) for `recipients` on commit.

    The message is stored untranslated with its parameters, so each reader sees it in their own language. Once
    the rows exist, one e-mail task per notification of a person who wants e-mails at once is enqueued; a
    transaction that rolls back creates nothing and enqueues nothing.
    """
    people = [person for person in recipients if person is not None]

    def send():
        rows = Notification.objects.bulk_create(
            [
                Notification(recipient=person, message=message, params=params or {}, url=url,
                             email_status=EmailStatus.SKIPPED if _IN_APP_ONLY.get() else email_status_for(person))
                for person in people
            ]
        )
        pending = [row for row in rows if row.email_status == EmailStatus.PENDING]
        digest = digest_user_ids({row.recipient_id for row in pending})
        for row in pending:
            if row.recipient_id not in digest:
                _enqueue_email(row.pk)

    transaction.on_commit(send)


def notification_create(*, recipient, message: str, params: dict | None = None, url: str = "") -> Notification:
    """One notification now, inside the caller's transaction; the caller e-mails it (`notification_email_send`)
    or leaves it to the digest. For senders that keep their own ledger (reminders)."""
    return Notification.objects.create(
        recipient=recipient, message=message, params=params or {}, url=url, email_status=email_status_for(recipient),
    )


def email_status_for(person) -> str:
    """Pending for a person who can receive e-mail; skipped for one without an address or no longer active."""
    return EmailStatus.PENDING if person.email and person.is_active else EmailStatus.SKIPPED


def delivery_of(user) -> str:
    """How `user` wants notifications e-mailed; no preference recorded means at once."""
    found = NotificationPreference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return found or Delivery.IMMEDIATE


def digest_user_ids(user_ids) -> set[int]:
    """Those of `user_ids` who chose the daily digest (one query)."""
    if not user_ids:
        return set()
    return set(
        NotificationPreference.objects.filter(user_id__in=user_ids, delivery=Delivery.DIGEST).values_list("user_id", flat=True)
    )


def _enqueue_email(notification_id: int) -> None:
    """Hand one notification to the e-mail task. A broker that is down must not turn a committed change into an
    error page: the notification stays pending and the periodic sweep sends it."""
    from .tasks import email_notification

    try:
        email_notification.delay(notification_id)
    except Exception:  # noqa: BLE001 - any broker failure; the sweep is the fallback
        logger.exception("Could not enqueue the e-mail of notification %s; the sweep will send it.", notification_id)


# --- Sending -------------------------------------------------------------------------------------------------


def _claim_free() -> Q:
    """Not claimed, or claimed so long ago that the worker holding it must have died."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.MAIL_CLAIM_LEASE_SECONDS)
    return Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale)


def _release(token: str) -> None:
    Notification.objects.filter(email_claim=token, email_status=EmailStatus.PENDING).update(
        email_claim="", email_claimed_at=None
    )


def _mark_sent(token: str) -> int:
    return Notification.objects.filter(email_claim=token, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now(), email_claim="", email_claimed_at=None
    )


def mail_items(notifications) -> list[dict]:
    """What a mail shows of each notification, in Vietnamese: its text, the proposal's code and title when the
    link is a proposal's page, and the absolute link. Never more (no plan contents)."""
    notifications = list(notifications)
    described = mail.describe_links(n.url for n in notifications)
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {
                "text": n.text(), "link": mail.absolute_url(n.url), "at": timezone.localtime(n.created_at),
                "code": described.get(n.url, {}).get("code", ""), "title": described.get(n.url, {}).get("title", ""),
            }
            for n in notifications
        ]


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one pending notification to its recipient now, unless they chose the digest. True when this call
    sent it; False when it was sent, skipped or claimed by someone else, or waits for the digest."""
    token = uuid.uuid4().hex
    claimed = (
        Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING)
        .filter(_claim_free())
        .update(email_claim=token, email_claimed_at=timezone.now())
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    person = notification.recipient
    if email_status_for(person) == EmailStatus.SKIPPED:
        Notification.objects.filter(email_claim=token).update(
            email_status=EmailStatus.SKIPPED, email_claim="", email_claimed_at=None
        )
        return False
    if delivery_of(person) == Delivery.DIGEST:
        _release(token)  # the digest will carry it
        return False
    try:
        mail.mail_send(
            to=person.email, template="notification",
            context={"recipient_name": person.get_full_name(), "item": mail_items([notification])[0]},
        )
    except Exception:
        _release(token)
        raise
    return _mark_sent(token) == 1


def digest_send(*, user_id: int, day: datetime.date) -> int:
    """One mail with every unread notification still waiting for `user_id`'s digest; none when there is none.

    Notifications read in the application before the digest are not e-mailed. Returns how many the mail carried.
    """
    person = get_user_model().objects.filter(pk=user_id).first()
    if person is None or delivery_of(person) != Delivery.DIGEST:
        return 0
    waiting = Notification.objects.filter(recipient_id=user_id, email_status=EmailStatus.PENDING)
    if email_status_for(person) == EmailStatus.SKIPPED:
        waiting.filter(_claim_free()).update(email_status=EmailStatus.SKIPPED)
        return 0
    waiting.filter(read_at__isnull=False).filter(_claim_free()).update(email_status=EmailStatus.SKIPPED)
    token = uuid.uuid4().hex
    claimed = waiting.filter(read_at__isnull=True).filter(_claim_free()).update(
        email_claim=token, email_claimed_at=timezone.now()
    )
    if not claimed:
        return 0
    items = mail_items(Notification.objects.filter(email_claim=token).order_by("created_at", "pk"))
    try:
        mail.mail_send(
            to=person.email, template="digest",
            context={"recipient_name": person.get_full_name(), "items": items, "day": day},
        )
    except Exception:
        _release(token)
        raise
    return _mark_sent(token)


def digest_recipients() -> list[int]:
    """The people who chose the digest and have something waiting for it."""
    return sorted(
        set(
            Notification.objects.filter(
                email_status=EmailStatus.PENDING, recipient__notification_preference__delivery=Delivery.DIGEST
            ).values_list("recipient_id", flat=True)
        )
    )


def pending_immediate_ids(*, older_than: datetime.timedelta, limit: int = 500) -> list[int]:
    """Notifications that should have been e-mailed at once but were not (a broker outage, a lost task)."""
    return list(
        Notification.objects.filter(email_status=EmailStatus.PENDING, created_at__lt=timezone.now() - older_than)
        .exclude(recipient__notification_preference__delivery=Delivery.DIGEST)
        .filter(_claim_free())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- The reader's own actions ------------------------------------------------------------------------------


@transaction.atomic
def notifications_mark_read(*, by, notification_id: int | None = None) -> int:
    """Mark `by`'s own unread notification `notification_id`, or all of them, as read; return how many changed.

    A notification tells its recipient that something awaits them (a vote, a signature, a deadline); when it
    was read is part of the evidence (spec README §6) like any other write, so it is recorded with its reader.
    Another person's notification or one already read is left as it is: the UPDATE is conditional, so a
    double click or a second tab changes nothing and records nothing. Whether the id exists at all (404) is
    for the caller to say.
    """
    if not by.is_authenticated:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    unread = Notification.objects.filter(recipient=by, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    count = unread.update(read_at=timezone.now())
    if count:
        audit_record(
            action="notifications_read", obj=by, actor=by,
            payload={"count": count, "ids": [notification_id] if notification_id is not None else "all"},
        )
    return count


@transaction.atomic
def notification_preference_set(*, by, delivery: str) -> NotificationPreference:
    """`by` chooses e-mails at once or one daily digest (spec README §5); a change is recorded, a repeat is not."""
    if not by.is_authenticated:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": _("Chọn một cách nhận thư thông báo.")}, code="invalid")
    preference, created = NotificationPreference.objects.select_for_update().get_or_create(user=by)
    previous = "" if created else preference.delivery
    if previous != delivery:
        preference.delivery = delivery
        preference.full_clean()
        preference.save()
        audit_record(action="notification_preference", obj=by, actor=by, payload={"from": previous, "to": delivery})
    return preference
