from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'proposals'
    verbose_name = _("Đề xuất")

    def ready(self):
        """The proposer's own inbox section, the navigation to the lists and the home page's blocks (core.stages)."""
        from core.stages import HomeBlock, NavItem, Stage, stages

        from .context_processors import acting_for
        from .home import mine_block, overview_block, tasks_block
        from .inbox import proposer_section

        stages.register(Stage(label=self.label, order=0, inbox=proposer_section))
        stages.positions_of = lambda request: acting_for(request)["positions"]
        stages.add_nav(
            NavItem(_("Việc cần xử lý"), "proposals:inbox", order=10, badge="tasks_pending"),
            NavItem(_("Đề xuất"), "proposals:list", order=20),
            NavItem(_("Lập đề xuất mới"), "proposals:create", order=30,
                    visible=lambda request: acting_for(request)["can_propose"]),
        )
        stages.add_home(
            HomeBlock("tasks", order=10, template="proposals/home/tasks.html", context=tasks_block),
            HomeBlock("mine", order=20, template="proposals/home/mine.html", context=mine_block),
            HomeBlock("overview", order=30, template="proposals/home/overview.html", context=overview_block),
        )
