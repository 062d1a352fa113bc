from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PANEL = "ho-so"  # the dossier's section of the proposal page


class DossierConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dossier"
    verbose_name = _("Hồ sơ đề xuất")

    def ready(self):
        """The dossier's section of the proposal page: the download link, for whoever sees the proposal
        (spec README §5). It reads every stage's entries (core.stages) only when someone downloads it."""
        from core.stages import Panel, Stage, stages

        stages.register(Stage(
            label=self.label, order=80,
            panel=Panel(anchor=PANEL, heading=_("Hồ sơ minh chứng"), template="dossier/partials/panel.html"),
            event_labels={"dossier_download": _("Tải hồ sơ minh chứng")},
        ))
