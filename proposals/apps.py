from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'proposals'
    verbose_name = _("Đề xuất")

    def ready(self):
        """The proposer's own inbox section and the navigation to the lists (core.stages)."""
        from core.stages import NavItem, Stage, stages

        from .context_processors import acting_for
        from .inbox import proposer_section

        stages.register(Stage(label=self.label, order=0, inbox=proposer_section))
        stages.add_nav(
            NavItem(_("Việc cần xử lý"), "proposals:inbox", order=10),
            NavItem(_("Đề xuất"), "proposals:list", order=20),
            NavItem(_("Lập đề xuất mới"), "proposals:create", order=30,
                    visible=lambda request: acting_for(request)["can_propose"]),
        )
