"""Read-only admin of the public register: summaries change only through the head's services."""

from django.contrib import admin

from approvals.admin import SuperuserOnlyAdmin

from .models import Publication


@admin.register(Publication)
class PublicationAdmin(SuperuserOnlyAdmin):
    list_display = ["title", "proposal", "unit", "decision_number", "published_at", "published_by", "withdrawn_at"]
    list_filter = ["field"]
    search_fields = ["title", "decision_number", "proposal__code"]
    list_select_related = ["proposal", "unit", "published_by"]
    date_hierarchy = "published_at"
    exclude = ["search_text"]
