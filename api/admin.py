"""Tokens are read and revoked here, never created: a secret shown once belongs to a page or a command
(`manage.py api_token`), not to an admin form that would keep it in the browser's history."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin_base import ModelAdmin, ReadOnlyAdmin

from .models import ApiToken, ServiceAccount
from .services import token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "owner", "prefix", "scope", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "owner__username", "owner__full_name"]
    list_select_related = ["owner"]
    actions = ["revoke"]

    @admin.action(description=_("Thu hồi các khóa đã chọn"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, by=request.user)
        messages.success(request, _("Đã thu hồi các khóa đã chọn."))

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # the action above; the form stays read-only (all fields below)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ApiToken._meta.fields]


@admin.register(ServiceAccount)
class ServiceAccountAdmin(ModelAdmin):
    list_display = ["system", "user", "contact", "created_at"]
    search_fields = ["system", "user__username"]
    autocomplete_fields = ["user"]
