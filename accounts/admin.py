from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit, Position, User


class PositionInline(admin.TabularInline):
    model = Position
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["unit", "role", "title", "category", "start_date", "end_date"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "employee_code", "email", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "employee_code", "email"]
    ordering = ["full_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cán bộ"), {"fields": ("full_name", "employee_code", "email")}),
        (_("Quyền hệ thống"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "email", "password1", "password2")}),
    )
    inlines = [PositionInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "abbreviation"]
    autocomplete_fields = ["parent", "successor"]
    list_select_related = ["parent"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["person", "unit", "role", "title", "category", "start_date", "end_date"]
    list_filter = ["role", "category", "unit__level"]
    search_fields = ["person__full_name", "person__username", "unit__name", "title"]
    autocomplete_fields = ["person", "unit"]
    list_select_related = ["person", "unit"]
    date_hierarchy = "start_date"
