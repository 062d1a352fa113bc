from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"
    verbose_name = _("Đánh giá, khuyến khích, bảo vệ")

    def ready(self):
        """Plug the evaluation stage into the proposal's pages (core.stages): panel, actions, inbox, dossier."""
        from core.stages import Panel, Stage, stages

        from .actions import ACTIONS, PANEL
        from .dossier import dossier_entries
        from .inbox import inbox_sections
        from .selectors import proposal_annotations, proposal_panel

        stages.register(Stage(
            label=self.label, order=50, actions=ACTIONS,
            panel=Panel(anchor=PANEL, heading=_("Đánh giá, khuyến khích, bảo vệ"), context=proposal_panel,
                        template="evaluation/partials/panel.html", annotations=proposal_annotations),
            inbox=inbox_sections,
            event_labels={
                "evaluation_consultation": _("Ghi nhận ý kiến cấp ủy về kết quả thực hiện"),
                "evaluation_vote": _("Biểu quyết tại cuộc họp đánh giá"),
                "protection_record": _("Văn bản đề nghị áp dụng biện pháp bảo vệ"),
                "protection_final": _("Ghi nhận quyết định của cơ quan có thẩm quyền về biện pháp bảo vệ"),
                "protection_decline": _("Không đề nghị áp dụng biện pháp bảo vệ"),
                "encouragement_record": _("Văn bản khuyến khích"),
                "encouragement_decline": _("Không đề nghị khuyến khích"),
            },
            dossier=dossier_entries,
        ))
