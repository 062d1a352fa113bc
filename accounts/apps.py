from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True  # apps.py holds the axes config below as well
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'accounts'

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from core.stages import NavItem, stages

        from .two_factor import checks, sessions  # noqa: F401  (registers the role check and the sign-in hook)

        stages.add_nav(NavItem(_("Nhập dữ liệu tổ chức"), "accounts:import_start", order=90,
                               visible=lambda request: request.user.may_import_organisation()))


class SignInThrottlingConfig(AxesConfig):
    """django-axes (issue 11 §1) under a Vietnamese heading in the admin; its receivers for our audit log."""

    default = False
    verbose_name = _("Chống dò mật khẩu")

    def ready(self):
        super().ready()
        from . import throttling  # noqa: F401 (connects the lockout's audit receiver)
