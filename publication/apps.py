from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PANEL = "cong-khai"  # the register's section of the proposal page


class PublicationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publication"
    verbose_name = _("Công khai đề xuất")

    def ready(self):
        """The register's section of the proposal page with the head's actions, its records in the dossier, and
        the public list in the navigation for everyone (decree73.md Art. 4(4))."""
        from core.stages import NavItem, Panel, Stage, stages

        from .actions import ACTIONS
        from .selectors import dossier_entries, proposal_annotations, proposal_panel

        stages.register(Stage(
            label=self.label, order=90, actions=ACTIONS,
            panel=Panel(anchor=PANEL, heading=_("Công khai"), context=proposal_panel,
                        template="publication/partials/panel.html", annotations=proposal_annotations),
            event_labels={
                "publication_publish": _("Công khai tóm tắt đề xuất"),
                "publication_update": _("Cập nhật nội dung công khai"),
                "publication_withdraw": _("Gỡ nội dung công khai"),
            },
            dossier=dossier_entries,
        ))
        stages.add_nav(
            NavItem(_("Công khai"), "publication:list", order=70),
            # Art. 4(4): the register is public; visitors reach it from every page's footer.
            NavItem(_("Đề xuất được công khai"), "publication:list", order=10, place="footer"),
        )
