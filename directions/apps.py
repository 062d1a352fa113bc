from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directions"
    verbose_name = _("Chỉ đạo thực hiện")

    def ready(self):
        """Plug the directions into the proposal's pages (core.stages): panel, actions, inbox, dossier."""
        from core.stages import Panel, Stage, stages

        from .actions import ACTIONS, PANEL
        from .documents import dossier_entries
        from .inbox import inbox_sections
        from .selectors import proposal_annotations, proposal_panel

        stages.register(Stage(
            label=self.label, order=40, actions=ACTIONS,
            panel=Panel(anchor=PANEL, heading=_("Chỉ đạo thực hiện"), context=proposal_panel,
                        template="directions/partials/panel.html", annotations=proposal_annotations),
            inbox=inbox_sections,
            event_labels={"plan_adjust": _("Điều chỉnh kế hoạch: phiên bản mới được phê duyệt")},
            dossier=dossier_entries,
        ))
