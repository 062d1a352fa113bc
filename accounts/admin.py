import copy
import functools

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core.admin_base import TabularInline
from core.admin_services import ServiceModelAdmin

from .forms import AuditedAdminPasswordChangeForm
from .models import OrgUnit, Position, User
from .services import (
    position_delete,
    position_delete_refusal,
    position_save,
    unit_delete,
    unit_save,
    user_delete,
    user_save,
)


class PositionInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # Refused here, next to the rows, rather than as an error page when the service refuses to delete.
        refusals = [
            position_delete_refusal(form.instance)
            for form in self.deleted_forms
            if form.instance.pk is not None
        ]
        refusals = [refusal for refusal in refusals if refusal]
        if refusals:
            raise ValidationError(refusals)


class PositionInline(TabularInline):
    model = Position
    formset = PositionInlineFormSet
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["unit"]
    # Review finding 2: the title printed over a signature ("Giám đốc") sits beside the position's full title.
    fields = ["unit", "role", "title", "signing_title", "category", "start_date", "end_date"]


@admin.register(User)
class UserAdmin(ServiceModelAdmin, BaseUserAdmin):
    """Accounts: every change (details, flags, groups, password, positions, deletion) goes through a service
    that checks the permission and records it."""

    list_display = ["username", "full_name", "employee_code", "email", "is_active", "is_staff"]
    # `search_name` (folded): "nguyen van" finds "Nguyễn Văn", here and in the person pickers of other admin pages.
    search_fields = ["username", "full_name", "search_name", "employee_code", "email"]
    ordering = ["full_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cán bộ"), {"fields": ("full_name", "employee_code", "email")}),
        (_("Quyền hệ thống"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    # Recorded by the system (sign-in, account creation), not entered by hand.
    readonly_fields = ["last_login", "date_joined"]
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "email", "password1", "password2")}),
    )
    inlines = [PositionInline]

    def delete_service(self, obj, by):
        user_delete(user=obj, by=by)

    def save_model(self, request, obj, form, change):
        # The person's page also carries the groups (and could carry the permissions): they are saved with the
        # rest by the same service, so one event holds every change to the account's access.
        related = {name: form.cleaned_data[name] for name in ("groups", "user_permissions") if name in form.fields}
        user_save(user=obj, by=request.user, **related)

    def save_related(self, request, form, formsets, change):
        # Not `form.save_m2m()`: `user_save` has already written the groups and permissions, and recorded them.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request, id, form_url=""):
        # Django's view builds `self.change_password_form(user, data)` and saves it; a copy of this admin for
        # this request gives it the form that saves through `user_save` as the signed-in administrator.
        for_request = copy.copy(self)
        for_request.change_password_form = functools.partial(AuditedAdminPasswordChangeForm, by=request.user)
        return super(UserAdmin, for_request).user_change_password(request, id, form_url)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Position:
            return super().save_formset(request, form, formset, change)
        # Positions decide who may act and vote: every row goes through the audited services.
        formset.save(commit=False)
        for position in formset.deleted_objects:
            position_delete(position=position, by=request.user)
        # Changed rows before new ones: ending the sitting head comes before appointing the next one.
        for position in [obj for obj, _changed in formset.changed_objects] + formset.new_objects:
            position_save(position=position, by=request.user)
        formset.save_m2m()
        return None


@admin.register(OrgUnit)
class OrgUnitAdmin(ServiceModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "print_parent_line", "valid_from", "valid_to"]
    list_filter = ["level", "kind", "print_parent_line"]
    search_fields = ["code", "name", "abbreviation"]
    autocomplete_fields = ["parent", "successor", "cadre_authority"]
    list_select_related = ["parent"]
    fieldsets = (
        (None, {"fields": ("code", "name", "abbreviation", "parent", "level", "kind", "valid_from", "valid_to",
                           "successor")}),
        # Review findings 1, 6, 7 and D-16: how the unit's documents read, and who manages its cadres.
        (_("Văn bản của đơn vị"), {"fields": ("place_name", "print_parent_line", "competence_basis")}),
        (_("Quản lý cán bộ"), {"fields": ("cadre_authority",)}),
    )

    def save_service(self, obj, by):
        unit_save(unit=obj, by=by)

    def delete_service(self, obj, by):
        unit_delete(unit=obj, by=by)


@admin.register(Position)
class PositionAdmin(ServiceModelAdmin):
    list_display = ["person", "unit", "role", "title", "signing_title", "category", "start_date", "end_date"]
    list_filter = ["role", "category", "unit__level"]
    search_fields = ["person__full_name", "person__username", "unit__name", "title"]
    autocomplete_fields = ["person", "unit"]
    list_select_related = ["person", "unit"]
    date_hierarchy = "start_date"

    def has_delete_permission(self, request, obj=None):
        # A position in force or in the past is history: the admin offers no delete for it (the
        # bulk action checks each selected row through this too).
        if obj is not None and position_delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_service(self, obj, by):
        position_save(position=obj, by=by)

    def delete_service(self, obj, by):
        position_delete(position=obj, by=by)

# Sign-in lockouts and their audited unlock (issue 11 §1); django-otp's devices under Vietnamese labels (issue 12 §7).
from . import admin_permissions, admin_throttling, admin_two_factor  # noqa: E402, F401
