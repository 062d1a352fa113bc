from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'approvals'
    verbose_name = _("Xem xét, quyết định")

    def ready(self):
        """Plug the deciding stage into the proposal's pages (core.stages): its panel, actions and inbox."""
        from core.stages import Panel, Stage, stages

        from .actions import ACTIONS, PANEL
        from .dossier import dossier_entries
        from .inbox import inbox_sections
        from .selectors import author_notice, proposal_annotations, proposal_panel

        stages.register(Stage(
            label=self.label, order=20, actions=ACTIONS,
            panel=Panel(anchor=PANEL, heading=_("Xem xét, quyết định"), context=proposal_panel,
                        template="approvals/partials/panel.html", notice=author_notice,
                        annotations=proposal_annotations),
            inbox=inbox_sections,
            event_labels={"consultation": _("Ghi nhận ý kiến cấp ủy"), "vote": _("Biểu quyết")},
            dossier=dossier_entries,
        ))
