"""Read-only admin, superusers only: it reads every report and its reporter, bypassing the confidentiality
rule (INC-3) that every page applies; officials read incidents on their pages, in scope. Changes go through
the services."""

from django.contrib import admin

from core.admin_base import ReadOnlyAdmin

from .models import Incident, IncidentEvidence, IncidentStep, RegisterEntry, SupervisionFollowUp, SupervisionRecord


class SuperuserOnlyAdmin(ReadOnlyAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Incident)
class IncidentAdmin(SuperuserOnlyAdmin):
    list_display = ["id", "kind", "status", "channel", "unit", "proposal", "is_denunciation", "received_at", "outcome"]
    list_filter = ["kind", "status", "channel", "is_denunciation", "outcome"]
    list_select_related = ["unit", "proposal"]
    exclude = ["receipt_digest"]


@admin.register(IncidentEvidence)
class IncidentEvidenceAdmin(SuperuserOnlyAdmin):
    list_display = ["incident", "original_name", "content_type", "size", "uploaded_at"]
    # The file lives outside any public path: served only by the scope-checked download view.
    exclude = ["file"]


@admin.register(IncidentStep)
class IncidentStepAdmin(SuperuserOnlyAdmin):
    list_display = ["incident", "happened_on", "recorded_by", "recorded_at"]
    list_select_related = ["recorded_by"]


@admin.register(SupervisionRecord)
class SupervisionRecordAdmin(SuperuserOnlyAdmin):
    list_display = ["title", "unit", "body", "year", "state", "created_at"]
    list_filter = ["state", "year"]
    list_select_related = ["unit"]


@admin.register(SupervisionFollowUp)
class SupervisionFollowUpAdmin(SuperuserOnlyAdmin):
    list_display = ["record", "happened_on", "recorded_by"]


@admin.register(RegisterEntry)
class RegisterEntryAdmin(SuperuserOnlyAdmin):
    list_display = ["title", "kind", "unit", "status", "forwarded_to", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["unit", "forwarded_to"]
