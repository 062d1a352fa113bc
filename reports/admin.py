"""Reports are made and sent through their pages (services, audited); the admin only reads them."""

from django.contrib import admin

from core.admin_base import ReadOnlyAdmin

from .models import AnnualReport, QuarterlyReport, ReportRun


@admin.register(AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ["year", "unit", "period_kind", "state", "number"]
    list_filter = ["state", "period_kind", "year"]
    search_fields = ["unit__name", "number"]
    list_select_related = ["unit"]
    show_full_result_count = False


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ["report", "version", "state", "progress", "final", "finished_at"]
    list_filter = ["state", "final"]
    list_select_related = ["report__unit"]
    show_full_result_count = False


@admin.register(QuarterlyReport)
class QuarterlyReportAdmin(ReadOnlyAdmin):
    list_display = ["year", "quarter", "unit", "produced_at"]
    list_filter = ["year", "quarter"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]
    show_full_result_count = False
