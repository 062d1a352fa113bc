"""The ledger in the admin: read only (style: admin never writes; spec README §5 "each reminder is sent once")."""

from django.urls import reverse

from reminders.models import Reminder
from reminders.services import reminders_plan
from tests.lifecycle import as_
from tests.reminders.helpers import TWO_DAYS_BEFORE, morning


def test_admins_read_the_ledger_and_cannot_add_change_or_delete_a_row(submitted, admin_user, time_machine):
    time_machine.move_to(morning(TWO_DAYS_BEFORE), tick=False)
    reminders_plan(today=TWO_DAYS_BEFORE)
    row = Reminder.objects.first()
    client = as_(admin_user)

    listing = client.get(reverse("admin:reminders_reminder_changelist"))
    assert listing.status_code == 200 and row.recipient_name in listing.content.decode()
    assert client.get(reverse("admin:reminders_reminder_add")).status_code == 403
    page = client.get(reverse("admin:reminders_reminder_change", args=[row.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(reverse("admin:reminders_reminder_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert Reminder.objects.filter(pk=row.pk).exists()
