from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_base import ReadOnlyAdmin
from .admin_services import ServiceModelAdmin
from .models import AuditEvent, CalendarDay
from .services import calendar_day_delete, calendar_day_save

# The admin's titles (issue 12 §7), rather than Django's "Trang quản trị cho Django"; its look: templates/admin.
admin.site.site_header = _("Quản trị hệ thống")
admin.site.site_title = _("Quản trị hệ thống · Đổi mới, sáng tạo")
admin.site.index_title = _("Danh mục quản trị")

from . import admin_periodic_tasks  # noqa: E402, F401  (django-celery-beat's pages in Vietnamese)


@admin.register(CalendarDay)
class CalendarDayAdmin(ServiceModelAdmin):
    list_display = ["date", "kind", "name", "legal_basis", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"

    # Calendar days move deadlines: every change goes through the audited services.
    def save_service(self, obj, by):
        calendar_day_save(day=obj, by=by)

    def delete_service(self, obj, by):
        calendar_day_delete(day=obj, by=by)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the evidence log cannot be edited or deleted, not even by an admin (spec README §6).

    Superusers only, whatever permissions a staff account was given: the log holds every ballot's choice and
    reason once a vote is closed, and the changes to who may decide, which other staff must not browse.
    """

    list_display = ["seq", "occurred_at", "actor_name", "role", "unit", "action", "object_type", "object_id", "from_state", "to_state"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_id", "action"]
    list_select_related = ["unit"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
