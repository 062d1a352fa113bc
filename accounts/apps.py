from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'accounts'

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from core.stages import NavItem, stages

        from .two_factor import checks, sessions  # noqa: F401  (registers the role check and the sign-in hook)

        stages.add_nav(NavItem(_("Nhập dữ liệu tổ chức"), "accounts:import_start", order=90,
                               visible=lambda request: request.user.may_import_organisation()))
