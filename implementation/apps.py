from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "implementation"
    verbose_name = _("Triển khai thực hiện")

    def ready(self):
        """Plug implementation into the proposal's pages (core.stages): panel, actions, inbox, timeline, dossier."""
        from core.stages import Panel, Stage, stages

        from .actions import ACTIONS, PANEL
        from .dossier import dossier_entries
        from .inbox import inbox_sections
        from .selectors import implementer_scope_q, proposal_annotations, proposal_panel

        stages.register(Stage(
            label=self.label, order=30, actions=ACTIONS,
            panel=Panel(anchor=PANEL, heading=_("Triển khai thực hiện"), context=proposal_panel,
                        template="implementation/partials/panel.html", annotations=proposal_annotations),
            inbox=inbox_sections,
            event_labels={
                "resource_record": _("Bố trí nguồn lực thực hiện"),
                "implementer_assign": _("Phân công người thực hiện"),
                "assignment_accept": _("Nhận nhiệm vụ thực hiện"),
                "assignment_refuse": _("Từ chối nhiệm vụ thực hiện"),
                "targets_copy": _("Cập nhật mốc, chỉ tiêu theo kế hoạch được phê duyệt"),
                "progress_record": _("Cập nhật tiến độ thực hiện"),
            },
            dossier=dossier_entries,
            scope=implementer_scope_q,
            role_labels={"implementer": _("Người thực hiện")},
        ))
