"""Forms of the directions. They collect input; every rule is checked in `directions.services`, whose
`ValidationError`s name these fields, so each message appears next to its field.

Each form has its own prefix: the four share one proposal page.
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import TEXT_MAX_LENGTH
from proposals.forms import DATE_HELP, DateInput
from proposals.models import PlanVersion

from .services import ADJUSTABLE_FIELDS, MAX_DAYS_AHEAD

REASONS_HELP = {
    "suspend": _("Nêu rõ căn cứ, lý do tạm dừng; được ghi vào quyết định."),
    "continue": _("Nêu rõ lý do tiếp tục (điều kiện đã bảo đảm); được ghi vào quyết định."),
    "stop": _("Nêu rõ căn cứ, lý do dừng thực hiện; được ghi vào quyết định."),
    "adjust": _("Nêu rõ lý do, sự cần thiết của việc điều chỉnh; được ghi vào quyết định."),
}


class DirectionForm(forms.Form):
    """A suspension, continuation or stop: the reasons and the day it takes effect."""

    reasons = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    effective_on = forms.DateField(
        label=_("Ngày có hiệu lực"), required=False, widget=DateInput(),
        help_text=format_lazy(
            _("Ngày/tháng/năm; không trước ngày quyết định cho triển khai, không quá {n} ngày sau hôm nay."),
            n=MAX_DAYS_AHEAD,
        ),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.fields["reasons"].help_text = REASONS_HELP[kind]


def _plan_fields() -> dict[str, forms.Field]:
    fields = forms.fields_for_model(
        PlanVersion, fields=ADJUSTABLE_FIELDS,
        widgets={name: forms.Textarea(attrs={"rows": 3}) for name in ADJUSTABLE_FIELDS if name != "end_date"}
        | {"end_date": DateInput()},
    )
    fields["end_date"].help_text = DATE_HELP
    for name, field in fields.items():
        field.label = format_lazy("{} {}", field.label, _("(sau điều chỉnh)"))
        field.required = False
        if name != "end_date":
            field.strip = False  # compared with the approved text as typed: the service normalises line breaks
    return fields


class AdjustForm(DirectionForm):
    """An adjustment: the plan contents it changes (pre-filled from the approved version; what is left as it is
    stays) and, on the collective path, the meeting and the party committee's opinion it rests on."""

    def __init__(self, *args, collective: bool, **kwargs):
        super().__init__(*args, kind="adjust", **kwargs)
        self.fields.update(_plan_fields())
        if collective:
            self.fields["minutes_number"] = forms.CharField(
                label=_("Số biên bản họp tập thể lãnh đạo"), max_length=60, required=False,
                help_text=_("Cuộc họp tập thể lãnh đạo đã thống nhất việc điều chỉnh (cùng quy trình như khi cho "
                            "triển khai)."),
            )
            self.fields["meeting_held_on"] = forms.DateField(
                label=_("Ngày họp tập thể lãnh đạo"), required=False, widget=DateInput(), help_text=DATE_HELP,
            )
            self.fields["party_committee"] = forms.CharField(
                label=_("Cấp ủy, tổ chức đảng cho ý kiến"), max_length=255, required=False,
                help_text=_("Ví dụ: Đảng ủy Sở Nội vụ (Điều 4 khoản 3 Nghị định số 73/2023/NĐ-CP)."),
            )
            self.fields["party_opinion_date"] = forms.DateField(
                label=_("Ngày có ý kiến của cấp ủy"), required=False, widget=DateInput(), help_text=DATE_HELP,
            )

