"""In-app notifications, sent after the change that causes them has committed, and marked read by their reader."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import Notification


def notify(*, recipients, message: str, params: dict | None = None, url: str = "") -> None:
    """Queue `message` (an untranslated msgid marked with gettext_noop) for `recipients` on commit.

    The message is stored untranslated with its parameters, so each reader sees it in their own language.
    """
    people = [person for person in recipients if person is not None]

    def send():
        Notification.objects.bulk_create(
            [Notification(recipient=person, message=message, params=params or {}, url=url) for person in people]
        )

    transaction.on_commit(send)


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
