"""Forms of the public register: the head's summary and withdrawal, the public list's filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_SUMMARY_CHARS = 5000
CONFIRM_LABEL = _("Nội dung công khai không chứa thông tin thuộc bí mật nhà nước")
CONFIRM_REQUIRED = _("Cần xác nhận nội dung công khai không chứa thông tin thuộc bí mật nhà nước.")


class SummaryForm(forms.Form):
    """What the public reads, written (or corrected) by the head, with the required confirmation."""

    prefix = "cong-khai"

    title = forms.CharField(label=_("Tên đề xuất công khai"), max_length=300,
                            error_messages={"required": _("Cần nhập tên đề xuất công khai.")})
    summary = forms.CharField(
        label=_("Nội dung tóm tắt công khai"), max_length=MAX_SUMMARY_CHARS, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Chỉ nêu nội dung, giải pháp và hiệu quả; không nêu họ tên, thông tin cá nhân hay nội dung thuộc "
                    "bí mật nhà nước. Trang công khai không hiển thị tên cán bộ đề xuất."),
        error_messages={"required": _("Cần nhập nội dung tóm tắt công khai.")},
    )
    outcome = forms.CharField(
        label=_("Kết quả đánh giá"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kết quả theo kết luận đánh giá kết quả thực hiện đề xuất."),
    )
    confirmed = forms.BooleanField(label=CONFIRM_LABEL, error_messages={"required": CONFIRM_REQUIRED})

    def __init__(self, *args, evaluated: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not evaluated:
            # The outcome exists only once the conclusion is issued (publication.rules.EVALUATED).
            del self.fields["outcome"]


class UpdateForm(SummaryForm):
    prefix = "cap-nhat-cong-khai"


class WithdrawForm(forms.Form):
    prefix = "go-cong-khai"

    reason = forms.CharField(
        label=_("Lý do gỡ"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần nêu lý do gỡ nội dung công khai.")},
    )


class PublicFilterForm(forms.Form):
    """The public list's GET form; an unknown unit or year is ignored, never an error page."""

    q = forms.CharField(
        label=_("Tìm kiếm"), required=False, max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "placeholder": _("Tên, nội dung, số quyết định")}
        ),
    )
    don_vi = forms.TypedChoiceField(label=_("Cơ quan, đơn vị"), required=False, coerce=int, empty_value=None)
    nam = forms.TypedChoiceField(label=_("Năm quyết định"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, units, years):
        super().__init__(data)
        self.fields["don_vi"].choices = [("", _("Tất cả"))] + [(str(pk), name) for pk, name in units]
        self.fields["nam"].choices = [("", _("Tất cả"))] + [(str(year), str(year)) for year in years]

    def filters(self) -> dict:
        """The valid filters; a field that does not validate (a unit with nothing published) is left out."""
        self.is_valid()
        data = self.cleaned_data
        return {"q": data.get("q") or "", "unit_id": data.get("don_vi"), "year": data.get("nam")}
