from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig


class AccountsConfig(AppConfig):
    default = True  # apps.py holds the axes config below as well
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'accounts'
    verbose_name = _("Tổ chức, người dùng")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.badges import org_structure_changed
        from core.stages import NavItem, stages

        from .models import OrgUnit, Position
        from .two_factor import checks, sessions  # noqa: F401  (registers the role check and the sign-in hook)

        # The navigation's badge keeps its compiled SQL until the organisation changes (core.badges).
        for model in (OrgUnit, Position):
            post_save.connect(org_structure_changed, sender=model, dispatch_uid=f"badges.saved.{model.__name__}")
            post_delete.connect(org_structure_changed, sender=model, dispatch_uid=f"badges.deleted.{model.__name__}")

        stages.add_nav(NavItem(_("Nhập dữ liệu tổ chức"), "accounts:import_start", order=90,
                               visible=lambda request: request.user.may_import_organisation()))


class SignInThrottlingConfig(AxesConfig):
    """django-axes (issue 11 §1) under a Vietnamese heading in the admin; its receivers for our audit log."""

    default = False
    verbose_name = _("Chống dò mật khẩu")

    def ready(self):
        super().ready()
        from . import throttling  # noqa: F401 (connects the lockout's audit receiver)


class AuthenticatorAppsConfig(TotpConfig):
    """django-otp's authenticator apps (TOTP) under a Vietnamese heading in the admin (issue 12 §7)."""

    default = False
    verbose_name = _("Xác thực hai lớp: ứng dụng xác thực")


class RecoveryCodesConfig(StaticConfig):
    """django-otp's recovery codes (static tokens) under a Vietnamese heading; both plugins' models named in
    Vietnamese here, once both are loaded (accounts/otp_names.py)."""

    default = False
    verbose_name = _("Xác thực hai lớp: mã khôi phục")

    def ready(self):
        super().ready()
        from .otp_names import name_otp_models

        name_otp_models()
