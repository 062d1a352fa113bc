from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code typed by the person: six digits from the authenticator, or (where `recovery` allows) a recovery
    code. Spaces and hyphens, as apps and printouts group them, are ignored; the services judge the code."""

    code = forms.CharField(
        label=_("Mã xác thực"),
        max_length=32,
        error_messages={"required": _("Nhập mã xác thực."), "max_length": _("Mã quá dài.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].label = _("Mã xác thực hoặc mã dự phòng")
            self.fields["code"].help_text = _(
                "Mã 6 chữ số trong ứng dụng xác thực; mất điện thoại thì nhập một mã dự phòng (mỗi mã dùng một lần)."
            )
        else:
            self.fields["code"].help_text = _("Mã 6 chữ số đang hiện trong ứng dụng xác thực.")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).replace("-", "")
