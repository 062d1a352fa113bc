"""In-app notifications, sent after the change that causes them has committed."""

from django.db import transaction

from .models import Notification


def notify(*, recipients, message: str, url: str = "") -> None:
    people = [person for person in recipients if person is not None]

    def send():
        Notification.objects.bulk_create(
            [Notification(recipient=person, message=message[:500], url=url) for person in people]
        )

    transaction.on_commit(send)
