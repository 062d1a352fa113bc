from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def reads_reports(request) -> bool:
    """Heads, deputies, the secretariat, inspectors (reports.scope.READERS) and administrators: from the positions
    the page has read already (proposals.context_processors.acting_for), no query of its own."""
    from proposals.context_processors import acting_for

    from .scope import READERS

    return request.user.is_superuser or bool(acting_for(request)["roles"] & set(READERS))


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Báo cáo, thống kê")

    def ready(self):
        """Reports have no section on a proposal's page: they add navigation and their audit events' labels."""
        from core.stages import NavItem, Stage, stages

        stages.register(Stage(
            label=self.label, order=95,
            event_labels={
                "report_order": _("Yêu cầu lập báo cáo"),
                "report_write": _("Sửa nội dung báo cáo"),
                "report_produce": _("Lập xong phiên bản báo cáo"),
                "report_send": _("Ký và gửi báo cáo cấp trên"),
                "quarterly_report": _("Lập báo cáo nội bộ hằng quý"),
            },
        ))
        stages.add_nav(
            NavItem(_("Báo cáo"), "reports:list", order=75, visible=reads_reports),
            NavItem(_("Tổng quan"), "reports:dashboard", order=76, visible=reads_reports),
        )
