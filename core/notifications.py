"""In-app notifications, sent after the change that causes them has committed."""

from django.db import transaction

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
