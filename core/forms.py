from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class NotificationPreferenceForm(forms.Form):
    """Immediate e-mails or one daily digest (spec README §5)."""

    delivery = forms.ChoiceField(
        label=_("Cách nhận thư thông báo"), choices=NotificationPreference.Delivery.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Chọn một cách nhận thư thông báo."),
                        "invalid_choice": _("Chọn một cách nhận thư thông báo.")},
        help_text=_("Thông báo trong ứng dụng không thay đổi; lựa chọn này chỉ áp dụng cho thư điện tử."),
    )
