"""Forms of the implementation actions. They collect input; every rule is checked in `implementation.services`.

Field names match the keys of the services' `ValidationError`s so that each message appears next to its field.
Each form has its own prefix: several of them share the proposal page.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import TEXT_MAX_LENGTH, offer_loaded
from core.widgets import PICKER_ERRORS, AutocompleteSelect, autocomplete_source, context_id
from proposals.forms import DateInput
from proposals.models import Proposal

from .documents import ATTESTATION
from .models import Assignment, CompletionReport, ReportResult, Resource, Target
from .selectors import cadre_candidates
from .services import MAX_VND

DATE_HELP = _("Định dạng ngày/tháng/năm.")
# Whole đồng, grouped by "." or "," or spaces as people write them ("1.500.000", "1 500 000"), or ungrouped.
_VND = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})?(?:\1\d{3})*$|^\d+$")


class VndField(forms.IntegerField):
    """An amount in đồng: a whole, non-negative number, with or without thousands separators."""

    default_error_messages = {
        "invalid": _("Nhập số tiền bằng số nguyên (đồng), ví dụ 1.500.000."),
        "min_value": _("Số tiền không được âm."),
        "max_value": _("Số tiền vượt quá giới hạn cho phép."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_VND)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1.500.000"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().removesuffix("đ").removesuffix("đồng").strip()
        if text.startswith("-"):
            raise ValidationError(self.error_messages["min_value"], code="min_value", params={"limit_value": 0})
        if not _VND.match(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(re.sub(r"\D", "", text))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one field; cleaned to a list (empty when none was chosen)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data if item]
        return [clean_one(data, initial)] if data else []


class ResourceForm(forms.Form):
    prefix = "resource"

    kind = forms.ChoiceField(label=_("Loại nguồn lực"), choices=Resource.Kind.choices, widget=forms.RadioSelect)
    description = forms.CharField(max_length=TEXT_MAX_LENGTH,
        label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: 02 máy tính, phòng làm việc tầng 3, 05 công chức phòng Cải cách hành chính."),
    )
    amount = VndField(label=_("Số tiền (đồng)"), required=False, help_text=_("Bắt buộc với kinh phí."))
    budget_source = forms.CharField(
        label=_("Nguồn kinh phí"), max_length=255, required=False,
        help_text=_("Bắt buộc với kinh phí, ví dụ: ngân sách nhà nước chi thường xuyên năm 2026."),
    )


class AssignForm(forms.Form):
    prefix = "assign"

    kind = forms.ChoiceField(label=_("Người thực hiện là"), choices=Assignment.Kind.choices, widget=forms.RadioSelect,
                             initial=Assignment.Kind.CADRE)
    person = forms.ModelChoiceField(
        label=_("Cán bộ"), queryset=None, required=False, empty_label=_("— Chọn cán bộ —"),
        help_text=_("Cán bộ đang công tác tại cơ quan, đơn vị hoặc đơn vị trực thuộc."), error_messages=PICKER_ERRORS,
    )
    name = forms.CharField(label=_("Tên cá nhân, tổ chức (ngoài hệ thống)"), max_length=255, required=False)
    contact_person = forms.CharField(label=_("Người liên hệ của tổ chức"), max_length=150, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    task = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nhiệm vụ được giao"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_lead = forms.BooleanField(label=_("Chủ trì thực hiện"), required=False,
                                 help_text=_("Người chủ trì nộp báo cáo kết quả thực hiện (Điều 18)."))

    def __init__(self, *args, candidates, proposal: Proposal, **kwargs):
        """`candidates`: `cadre_candidates(proposal=…)`, searched for the `proposal`, not listed: a provincial
        deciding unit has thousands of staff below it, and only the chosen one is rendered."""
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = candidates
        self.fields["person"].label_from_instance = lambda person: person.get_full_name()
        self.fields["person"].widget = AutocompleteSelect(purpose="implementers", params={"proposal": proposal.pk})
        self.fields["person"].widget.choices = self.fields["person"].choices


@autocomplete_source("implementers")
def _implementer_source(request) -> "forms.QuerySet[User]":
    """The cadres `AssignForm` accepts for `?proposal=`, if the user may see that proposal (else nobody)."""
    pk = context_id(request, "proposal")
    visible = Proposal.objects.visible_to(request.user).filter(decision_unit__isnull=False)
    proposal = visible.select_related("decision_unit").filter(pk=pk).first() if pk else None
    return cadre_candidates(proposal=proposal) if proposal is not None else User.objects.none()


ANSWERS = [("accept", _("Nhận nhiệm vụ")), ("refuse", _("Từ chối (nêu lý do)"))]


class AnswerForm(forms.Form):
    prefix = "answer"

    answer = forms.ChoiceField(label=_("Trả lời phân công"), choices=ANSWERS, widget=forms.RadioSelect)
    reason = forms.CharField(max_length=TEXT_MAX_LENGTH,
        label=_("Lý do từ chối"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi từ chối. Từ chối nhiệm vụ được giao để thực hiện đề xuất là hành vi bị nghiêm cấm "
                    "(Điều 6 khoản 4 Nghị định số 73/2023/NĐ-CP)."),
    )


class OutsideAnswerForm(AnswerForm):
    prefix = "outside_answer"

    assignment = forms.ModelChoiceField(label=_("Cá nhân, tổ chức"), queryset=None, empty_label=None)

    field_order = ["assignment", "answer", "reason"]

    def __init__(self, *args, pending, loaded=None, **kwargs):
        """`loaded`: the rows of `pending` the page has read already, shown without a query of their own."""
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = pending
        self.fields["assignment"].label_from_instance = lambda a: a.display_name
        if loaded is not None:
            offer_loaded(self.fields["assignment"], loaded)


class StartForm(forms.Form):
    prefix = "start"


class ProgressForm(forms.Form):
    prefix = "progress"

    target = forms.ModelChoiceField(label=_("Mốc, chỉ tiêu"), queryset=None, empty_label=_("— Chọn mốc, chỉ tiêu —"))
    status = forms.ChoiceField(label=_("Tình trạng"), choices=Target.Status.choices)
    value = forms.CharField(label=_("Giá trị đạt được"), max_length=255, required=False,
                            help_text=_("Với chỉ tiêu: giá trị đến nay, ví dụ 65 %."))
    note = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("Tệp minh chứng"), required=False,
                               help_text=_("PDF, ảnh, DOCX, XLSX hoặc ODT."))

    def __init__(self, *args, targets, loaded=None, **kwargs):
        """`loaded`: the rows of `targets` the page has read already, shown without a query of their own."""
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
        self.fields["target"].label_from_instance = lambda t: f"{t.get_kind_display()} {t.position}: {t.text}"
        if loaded is not None:
            offer_loaded(self.fields["target"], loaded)


class CompleteForm(forms.Form):
    prefix = "complete"

    completed_on = forms.DateField(label=_("Ngày hoàn thành thực hiện"), widget=DateInput(), help_text=DATE_HELP)
    note = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


DAMAGE = [("no", _("Không có thiệt hại")), ("yes", _("Có thiệt hại"))]


class ReportForm(forms.Form):
    """The completion report: one outcome and result per milestone and indicator of the version in force."""

    prefix = "report"

    overall = forms.ChoiceField(label=_("Tự đánh giá chung"), choices=CompletionReport.Overall.choices, widget=forms.RadioSelect)
    results_summary = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Kết quả đạt được so với mục tiêu, hiệu quả dự kiến"),
                                      widget=forms.Textarea(attrs={"rows": 4}))
    resources_used = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nguồn lực đã sử dụng so với nguồn lực được bố trí"),
                                     widget=forms.Textarea(attrs={"rows": 3}))
    funds_used = VndField(label=_("Kinh phí đã sử dụng (đồng)"), required=False)
    damage = forms.ChoiceField(label=_("Thiệt hại"), choices=DAMAGE, widget=forms.RadioSelect, initial="no")
    damage_description = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Mô tả thiệt hại"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                         help_text=_("Bắt buộc khi có thiệt hại."))
    damage_amount = VndField(label=_("Giá trị thiệt hại ước tính (đồng)"), required=False,
                             help_text=_("Bắt buộc khi có thiệt hại."))
    causes = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nguyên nhân"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Nguyên nhân của kết quả đạt được và chưa đạt được, theo đánh giá của người thực hiện."))
    evidence = MultipleFileField(label=_("Tài liệu minh chứng"), help_text=_("Có thể chọn nhiều tệp."))
    attested = forms.BooleanField(
        label=ATTESTATION, error_messages={"required": _("Người báo cáo phải cam đoan nội dung báo cáo đầy đủ, trung thực (Điều 18).")},
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        fields = {}
        for target in self.targets:
            label = f"{target.get_kind_display()} {target.position}: {target.text}"
            fields[f"outcome_{target.pk}"] = forms.ChoiceField(
                label=label, choices=ReportResult.Outcome.choices, widget=forms.RadioSelect,
            )
            fields[f"result_{target.pk}"] = forms.CharField(max_length=TEXT_MAX_LENGTH,
                label=_("Kết quả"), widget=forms.Textarea(attrs={"rows": 2}),
            )
        # The targets first: the report states the results against each of them, then the rest.
        self.fields = {**fields, **self.fields}
