from django.contrib import admin

from core.admin_base import ReadOnlyAdmin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """The ledger, read only: what was due, to whom, and whether it went (spec README §5)."""

    list_display = ("created_at", "kind", "offset_wd", "due_on", "step", "recipient_name", "state", "attempts", "sent_at")
    list_filter = ("state", "kind", "due_on")
    search_fields = ("recipient_name", "email", "step__proposal__code")
    raw_id_fields = ("step", "recipient", "notification")
    date_hierarchy = "created_at"
