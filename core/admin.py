from django.contrib import admin

from .models import AuditEvent, CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "legal_basis", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        obj.source = CalendarDay.Source.MANUAL
        super().save_model(request, obj, form, change)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the evidence log cannot be edited or deleted, not even by an admin (spec README §6)."""

    list_display = ["seq", "occurred_at", "actor_name", "role", "unit", "action", "object_type", "object_id", "from_state", "to_state"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_id", "action"]
    list_select_related = ["unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
