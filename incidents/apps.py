from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _roles(request) -> set[str]:
    """The roles the person holds today, from the positions the navigation bar loads anyway (no extra query)."""
    from proposals.context_processors import acting_for

    return acting_for(request)["roles"]


def supervises(request) -> bool:
    """Inspectors, and the secretariat of a province-level unit (the focal-role simplification, rules.py)."""
    from accounts.models import OrgUnit, Position
    from proposals.context_processors import acting_for

    return any(
        p.role == Position.Role.INSPECTOR
        or (p.role == Position.Role.SECRETARIAT and p.unit.level == OrgUnit.Level.PROVINCE)
        for p in acting_for(request)["positions"]
    )


def reads_register(request) -> bool:
    """Heads and secretariats who do not supervise reach the register from the bar; supervisors from "Giám sát"."""
    from accounts.models import Position

    return not supervises(request) and bool(_roles(request) & {Position.Role.HEAD, Position.Role.SECRETARIAT})


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"
    verbose_name = _("Phản ánh, giám sát")

    def ready(self):
        """Plug incidents into the proposal page (its section) and the inbox, and add the navigation entries."""
        from core.stages import NavItem, Panel, Stage, stages

        from .inbox import PANEL, inbox_sections
        from .selectors import proposal_annotations, proposal_panel

        stages.register(Stage(
            label=self.label, order=60,
            panel=Panel(anchor=PANEL, heading=_("Phản ánh hành vi vi phạm (Điều 6)"), context=proposal_panel,
                        template="incidents/partials/panel.html", annotations=proposal_annotations),
            inbox=inbox_sections,
        ))
        stages.add_nav(
            NavItem(_("Phản ánh"), "incidents:list", order=60),
            NavItem(_("Giám sát"), "incidents:supervision_list", order=65, visible=supervises),
            NavItem(_("Kiến nghị, mô hình"), "incidents:register_list", order=66, visible=reads_register),
            # Anyone, signed in or not, may report an Art. 6 act through the public form.
            NavItem(_("Gửi phản ánh"), "incidents:public_report", order=20, place="footer"),
        )
