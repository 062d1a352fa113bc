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

    def get_form(self, request, obj=None, **kwargs):
        # The form's Meta.help_texts: the admin shows them for read-only fields (the timestamps) as well.
        return super().get_form(request, obj, help_texts=HELP_TEXTS, **kwargs)


class AuthenticatorAppAdmin(VietnameseLabels, TOTPDeviceAdmin):
    """TOTP devices; their QR code column stays hidden (OTP_ADMIN_HIDE_SENSITIVE_DATA)."""


class RecoveryCodesAdmin(VietnameseLabels, StaticDeviceAdmin):
    """Recovery-code sets; their codes stay hidden once saved (OTP_ADMIN_HIDE_SENSITIVE_DATA)."""


for model, model_admin in [(TOTPDevice, AuthenticatorAppAdmin), (StaticDevice, RecoveryCodesAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
