"""Admin pages whose writes go through the audited services instead of saving models directly."""

from django.db import transaction

from .admin_base import ModelAdmin


class ServiceModelAdmin(ModelAdmin):
    """Subclasses name the services: `save_service(obj, by)` and `delete_service(obj, by)`.

    Saving, deleting one object and the bulk delete action all end in those two calls, so every change an
    administrator makes is checked and written to the audit log like any other.
    """

    def save_service(self, obj, by):
        raise NotImplementedError

    def delete_service(self, obj, by):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        self.save_service(obj, request.user)

    def delete_model(self, request, obj):
        self.delete_service(obj, request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_service(obj, request.user)
