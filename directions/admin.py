"""Read-only admin for the directions: they are issued only through the services.

Superusers only (approvals.admin.SuperuserOnlyAdmin): the admin bypasses the scope rule every other page
applies. The stored decision is served only by the scope-checked download view; its hash is shown here.
"""

from django.contrib import admin

from approvals.admin import SuperuserOnlyAdmin

from .models import Direction


@admin.register(Direction)
class DirectionAdmin(SuperuserOnlyAdmin):
    list_display = ["number", "kind", "proposal", "version", "unit", "issued_on", "effective_on", "signer"]
    list_filter = ["kind", "register_year", "adjustment_path"]
    search_fields = ["number", "proposal__code"]
    list_select_related = ["proposal", "unit", "signer"]
    date_hierarchy = "issued_on"
    readonly_fields = ["pdf_sha256"]
