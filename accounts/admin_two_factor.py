"""django-otp's admin pages in Vietnamese (issue 12 §7): its fieldsets and help texts are plain English strings,
replaced here from accounts/otp_names.py; everything else is django-otp's own admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .otp_names import FIELDSET_NAMES, HELP_TEXTS


class VietnameseLabels:
    """Fieldset titles and help texts in Vietnamese for a django-otp ModelAdmin."""

    search_help_text = _("Tìm theo tên đăng nhập hoặc thư điện tử của người dùng.")

    def get_fieldsets(self, request, obj=None):
        return [(FIELDSET_NAMES.get(name, name), options) for name, options in super().get_fieldsets(request, obj)]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in HELP_TEXTS:
            formfield.help_text = HELP_TEXTS[db_field.name]
        return formfield


class AuthenticatorAppAdmin(VietnameseLabels, TOTPDeviceAdmin):
    """TOTP devices; their QR code column stays hidden (OTP_ADMIN_HIDE_SENSITIVE_DATA)."""


class RecoveryCodesAdmin(VietnameseLabels, StaticDeviceAdmin):
    """Recovery-code sets; their codes stay hidden once saved (OTP_ADMIN_HIDE_SENSITIVE_DATA)."""


for model, model_admin in [(TOTPDevice, AuthenticatorAppAdmin), (StaticDevice, RecoveryCodesAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
