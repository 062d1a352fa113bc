from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.forms import DateInput

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa"), max_length=100,
                           help_text=_("Để nhận ra khóa sau này, ví dụ: “Hệ thống quản lý văn bản”."))
    scope = forms.ChoiceField(label=_("Phạm vi"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ,
                              widget=forms.RadioSelect)
    expires_at = forms.DateField(label=_("Hết hạn ngày"), required=False, widget=DateInput(),
                                 help_text=_("Định dạng ngày/tháng/năm; để trống nếu không hết hạn."))
