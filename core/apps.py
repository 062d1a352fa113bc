from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _seed_calendar(sender, using, **kwargs):
    """Reference data, not business logic: make sure the working-day calendar knows its years."""
    from django.conf import settings
    from django.utils import timezone

    from .workdays import seed_years

    seed_years(settings.WORKCAL_SEED_FIRST_YEAR, timezone.localdate().year + settings.WORKCAL_SEED_YEARS_AHEAD)


def _grant_app_role(sender, using, **kwargs):
    """Tables a migration created are granted to the app's role at once (issue 11 §7), when DATABASE_APP_ROLE is set."""
    from django.conf import settings
    from django.db import connections

    if settings.DATABASE_APP_ROLE and connections[using].vendor == "postgresql":
        from .db_roles import grant_app_role

        grant_app_role(settings.DATABASE_APP_ROLE, using=using)


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Hệ thống")

    def ready(self):
        from . import checks, lookups  # noqa: F401  (register the multi-node check and `__any_of`)
        from .stages import NavItem, stages
        from .statement_timeout import lift_for_migrations, restore_after_migrations

        post_migrate.connect(_seed_calendar, sender=self, dispatch_uid="core.seed_calendar")
        post_migrate.connect(_grant_app_role, sender=self, dispatch_uid="core.grant_app_role")
        # Issue 11 §6: migrations are not bound by the web's statement_timeout.
        pre_migrate.connect(lift_for_migrations, sender=self, dispatch_uid="core.lift_statement_timeout")
        post_migrate.connect(restore_after_migrations, sender=self, dispatch_uid="core.restore_statement_timeout")
        stages.add_nav(NavItem(_("Quản trị"), "admin:index", order=80, visible=lambda request: request.user.is_staff))
