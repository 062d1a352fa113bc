"""Read-only admin for what implementation recorded: state changes happen only through the services.

Superusers only, as for the deciding unit's records (approvals.admin): the admin bypasses the scope rule that
every other page applies. Stored files (evidence, the report) are served only by the scope-checked views.
"""

from django.contrib import admin

from approvals.admin import SuperuserOnlyAdmin

from .models import Assignment, CompletionReport, Implementation, ProgressEntry, Resource, Target


@admin.register(Resource)
class ResourceAdmin(SuperuserOnlyAdmin):
    list_display = ["proposal", "kind", "description", "amount", "budget_source", "decision", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["proposal__code", "description"]
    list_select_related = ["proposal", "decision", "recorded_by"]


@admin.register(Assignment)
class AssignmentAdmin(SuperuserOnlyAdmin):
    list_display = ["proposal", "kind", "person", "name", "is_lead", "answer", "answered_at"]
    list_filter = ["kind", "answer", "is_lead"]
    search_fields = ["proposal__code", "name", "person__full_name"]
    list_select_related = ["proposal", "person"]


@admin.register(Implementation)
class ImplementationAdmin(SuperuserOnlyAdmin):
    list_display = ["proposal", "started_on", "started_by", "completed_on", "completed_by"]
    list_select_related = ["proposal", "started_by", "completed_by"]


@admin.register(Target)
class TargetAdmin(SuperuserOnlyAdmin):
    list_display = ["proposal", "kind", "position", "text", "version", "status", "value", "retired_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["proposal"]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(SuperuserOnlyAdmin):
    list_display = ["proposal", "target", "status", "value", "recorded_by", "recorded_at"]
    list_select_related = ["proposal", "target", "recorded_by"]
    exclude = ["evidence"]
    readonly_fields = ["evidence_sha256"]


@admin.register(CompletionReport)
class CompletionReportAdmin(SuperuserOnlyAdmin):
    list_display = ["number", "proposal", "basis", "overall", "reported_on", "signer_name", "on_behalf", "damage"]
    list_filter = ["basis", "overall", "damage", "on_behalf"]
    search_fields = ["number", "proposal__code"]
    list_select_related = ["proposal"]
    readonly_fields = ["pdf_sha256"]
