"""Plain helpers of the reminder tests: the calendar of one review deadline, the scan on a given morning, mails."""

import datetime

from core.models import Notification
from reminders.services import reminders_scan
from tests.lifecycle import HANOI

MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=HANOI)
SUBMITTED_ON = datetime.date(2026, 3, 2)
REVIEW_DUE = datetime.date(2026, 3, 11)  # 7 working days after Monday 02/03
TWO_DAYS_BEFORE = datetime.date(2026, 3, 9)  # Monday: 2 working days before (the weekend does not count)
OVERDUE = datetime.date(2026, 3, 12)


def morning(day: datetime.date) -> datetime.datetime:
    """07:00 in Hà Nội on `day`, when beat starts the scan."""
    return datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=HANOI)


def scan_on(time_machine, day: datetime.date) -> dict:
    """The daily scan as beat runs it on the morning of `day`."""
    time_machine.move_to(morning(day), tick=False)
    return reminders_scan(today=day)


def mails_to(outbox, person_or_address) -> list:
    address = getattr(person_or_address, "email", person_or_address)
    return [message for message in outbox if address in message.to]


def notifications_of(person) -> list[Notification]:
    """`person`'s in-app notifications made by reminders (not the ones the lifecycle itself sends)."""
    return list(Notification.objects.filter(recipient=person, reminder__isnull=False).order_by("pk"))
