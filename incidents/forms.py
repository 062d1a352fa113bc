"""Forms of incidents, supervision records and the register: they parse what was typed; the services decide.

The public form's sizes are bounded: a text box takes at most what the service stores, files are counted and
checked by content (core.uploads) in the service.
"""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Position, User
from accounts.selectors import people_in_subtree
from core.widgets import (
    PICKER_ERRORS,
    UNIT_PICKER_ERRORS,
    AutocompleteSelectMultiple,
    UnitPickerField,
    autocomplete_source,
    context_id,
)
from proposals.forms import DATE_HELP, DateInput
from proposals.models import Proposal

from .models import KIND_SHORT, Incident, RegisterEntry
from .selectors import proposal_for_reporter
from .services import DESCRIPTION_MAX_CHARS, MAX_EVIDENCE_FILES, NOTE_MAX_CHARS

# `?loai=` of the links other stages make (`incidents:report`): both are acts of Art. 6(4).
LINKED_CONDUCT = {"refusal": Incident.Conduct.REFUSAL, "non_compliance": ""}

DENUNCIATION_HELP = _(
    "Đánh dấu nếu bạn muốn tố cáo theo Luật Tố cáo số 25/2018/QH14: đơn được chuyển giải quyết theo trình tự của "
    "Luật Tố cáo, người tố cáo được giữ bí mật họ tên, địa chỉ, bút tích và thông tin cá nhân khác và được bảo vệ "
    "theo quy định của Luật."
)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        depth = max(obj.path.count("/") - 2, 0)
        return f"{'— ' * depth}{obj.name}"


class ReportedUnitField(UnitPickerField):
    """The unit a report is about: any active unit of the country, found by typing (never a whole-country list);
    a forged or ended unit is refused in Vietnamese next to the field."""

    default_error_messages = UNIT_PICKER_ERRORS


class PersonChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = PICKER_ERRORS

    def label_from_instance(self, obj):
        return f"{obj.get_full_name()} ({obj.username})"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service counts and checks them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.odt,.png,.jpg,.jpeg,.webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(_("Đính kèm tối đa %(n)s tệp.") % {"n": MAX_EVIDENCE_FILES})
        return [f for f in files if f]


def active_units():
    """The units a report may be about, as accounts.views.units_autocomplete offers them."""
    return OrgUnit.objects.active_on(timezone.localdate()).select_related("parent").order_by("path")


def _parent_path(path: str) -> str:
    """The unit's parent's subtree ("/1/7/" → "/1/"), or the unit's own at the top of the tree."""
    parts = [part for part in path.split("/") if part]
    return f"/{'/'.join(parts[:-1])}/" if len(parts) > 1 else path


def reported_candidates(*, user, proposal: Proposal | None):
    """Cadres a reporter may pick by name: people in office in their own province or ministry (the subtree of
    their units' parents), and in the proposal's; anyone else is named in the free-text box."""
    today = timezone.localdate()
    units = OrgUnit.objects.filter(pk__in=Position.objects.held_on(today).filter(person=user).values("unit_id"))
    paths = {_parent_path(unit.path) for unit in units}
    if proposal is not None:
        paths.add(_parent_path(proposal.unit.path))
    return people_in_subtree(paths=sorted(paths), on_date=today).exclude(pk=user.pk).order_by("full_name", "username")


@autocomplete_source("reported_people")
def _reported_source(request) -> "forms.QuerySet[User]":
    """The people `IncidentReportForm` offers: of the reporter's province, and of `?proposal=` if they may see it."""
    pk = context_id(request, "proposal")
    proposal = proposal_for_reporter(user=request.user, pk=pk) if pk else None
    return reported_candidates(user=request.user, proposal=proposal)


class _ReportFields(forms.Form):
    kind = forms.ChoiceField(label=_("Hành vi bị phản ánh (Điều 6 Nghị định 73/2023/NĐ-CP)"),
                             choices=Incident.Kind.choices, widget=forms.RadioSelect)
    conduct = forms.ChoiceField(
        label=_("Hành vi cụ thể (nếu thuộc khoản 4)"), required=False,
        choices=[("", _("— Không chọn —")), *Incident.Conduct.choices],
    )
    reported_text = forms.CharField(
        label=_("Người, cơ quan bị phản ánh"), max_length=500, required=False,
        help_text=_("Họ tên, chức vụ, cơ quan; ghi “chưa rõ” nếu bạn không biết."),
    )
    description = forms.CharField(
        label=_("Nội dung phản ánh"), max_length=DESCRIPTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX_CHARS}),
        help_text=_("Thời gian, địa điểm, diễn biến của hành vi; tối đa %(n)s ký tự.") % {"n": DESCRIPTION_MAX_CHARS},
    )
    evidence = MultipleFileField(
        label=_("Tài liệu, chứng cứ kèm theo"), required=False,
        help_text=_("Tối đa %(n)s tệp PDF, DOCX, XLSX, ODT hoặc ảnh (PNG, JPEG, WEBP).") % {"n": MAX_EVIDENCE_FILES},
    )
    is_denunciation = forms.BooleanField(label=_("Đây là đơn tố cáo"), required=False, help_text=DENUNCIATION_HELP)
    # One per form shown (services.incident_report): sending it twice records one report.
    token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class IncidentReportForm(_ReportFields):
    """A signed-in person's report, about a proposal they may see (by its code) or about a unit."""

    field_order = ["kind", "conduct", "proposal_code", "unit", "reported_people", "reported_text", "description",
                   "evidence", "is_denunciation"]

    proposal_code = forms.CharField(
        label=_("Mã hồ sơ đề xuất (nếu phản ánh liên quan đến một đề xuất)"), max_length=30, required=False,
        help_text=_("Ví dụ: DX2026-000123."),
    )
    unit = ReportedUnitField(
        label=_("Cơ quan, đơn vị nơi xảy ra hành vi"), queryset=OrgUnit.objects.none(), required=False,
        help_text=_("Chọn khi phản ánh không liên quan đến một đề xuất."),
    )
    reported_people = PersonChoiceField(
        label=_("Cán bộ bị phản ánh"), queryset=User.objects.none(), required=False,
        widget=AutocompleteSelectMultiple(purpose="reported_people"),
        help_text=_("Cán bộ đang công tác tại cơ quan, đơn vị nơi xảy ra hành vi, đơn vị trực thuộc hoặc cấp trên. Người được "
                    "chọn ở đây không xem được phản ánh, kể cả khi là cán bộ kiểm tra, thanh tra. Gõ họ tên (có dấu hoặc "
                    "không dấu) rồi chọn; chọn được nhiều người."),
    )

    def __init__(self, *args, user, proposal: Proposal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = active_units()
        self.fields["reported_people"].queryset = reported_candidates(user=user, proposal=proposal)
        self.fields["reported_people"].widget.params = {"proposal": proposal.pk if proposal is not None else None}

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("proposal_code") or "").strip().upper()
        cleaned["proposal"] = None
        if code:
            proposal = Proposal.objects.visible_to(self.user).filter(code=code).select_related("unit").first()
            if proposal is None:
                self.add_error("proposal_code", _("Không tìm thấy đề xuất có mã này trong phạm vi bạn được xem."))
            cleaned["proposal"] = proposal
        elif cleaned.get("unit") is None and "unit" not in self.errors:
            self.add_error("unit", _("Chọn cơ quan, đơn vị nơi xảy ra hành vi, hoặc ghi mã hồ sơ đề xuất."))
        return cleaned


class PublicReportForm(_ReportFields):
    """Anyone, without an account: about a unit; named or anonymous; a honeypot and a rate limit keep bots out."""

    field_order = ["kind", "conduct", "unit", "reported_text", "description", "evidence", "is_denunciation",
                   "reporter_name", "reporter_contact"]

    unit = ReportedUnitField(label=_("Cơ quan, đơn vị nơi xảy ra hành vi"), queryset=OrgUnit.objects.none())
    reporter_name = forms.CharField(label=_("Họ và tên (không bắt buộc)"), max_length=150, required=False)
    reporter_contact = forms.CharField(
        label=_("Địa chỉ, số điện thoại hoặc thư điện tử (không bắt buộc)"), max_length=200, required=False,
        help_text=_("Để trống nếu bạn muốn gửi ẩn danh. Đơn tố cáo cần ghi rõ họ tên, địa chỉ người tố cáo."),
    )
    # The honeypot: hidden from people (and from screen readers), filled in by bots that fill every box.
    website = forms.CharField(label=_("Để trống ô này"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units()
        self.fields["reported_text"].required = True

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(label=_("Mã tiếp nhận"), max_length=20, help_text=_("Ví dụ: ABCD-EFGH-JKLM."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))


# --- Handling -----------------------------------------------------------------------------------------------------


class StepForm(forms.Form):
    prefix = "step"
    happened_on = forms.DateField(label=_("Ngày thực hiện"), widget=DateInput(), help_text=DATE_HELP)
    note = forms.CharField(label=_("Nội dung đã thực hiện"), max_length=NOTE_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Ví dụ: xác minh, yêu cầu giải trình, làm việc với các bên liên quan."))


class CloseForm(forms.Form):
    prefix = "close"
    outcome = forms.ChoiceField(label=_("Kết quả xử lý"), choices=Incident.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Căn cứ, lý do"), max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))
    outcome_on = forms.DateField(label=_("Ngày kết luận"), widget=DateInput(), help_text=DATE_HELP)


class ForwardForm(forms.Form):
    prefix = "forward"
    forwarded_to = forms.CharField(label=_("Cơ quan có thẩm quyền giải quyết tố cáo"), max_length=255)
    forwarded_on = forms.DateField(label=_("Ngày chuyển"), widget=DateInput(), help_text=DATE_HELP)


class IncidentFilterForm(forms.Form):
    STATUSES = [("", _("Tất cả")), ("awaiting", _("Chờ xử lý")), *Incident.Status.choices]

    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=STATUSES)
    kind = forms.ChoiceField(label=_("Hành vi"), required=False, choices=[("", _("Tất cả")), *KIND_SHORT.items()])
    sau = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


# --- Supervision (SUP-1) --------------------------------------------------------------------------------------------


class SupervisionForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị được kiểm tra, giám sát"), queryset=OrgUnit.objects.none(),
                           empty_label=_("— Chọn đơn vị —"))
    body = forms.CharField(label=_("Cơ quan kiểm tra, giám sát"), max_length=255,
                           help_text=_("Ví dụ: Ủy ban Kiểm tra Tỉnh ủy; Sở Nội vụ (cơ quan đầu mối)."))
    title = forms.CharField(label=_("Nội dung kiểm tra, giám sát"), max_length=300)
    plan = forms.CharField(label=_("Kế hoạch"), max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 4}))
    planned_from = forms.DateField(label=_("Thời gian từ ngày"), widget=DateInput(), help_text=DATE_HELP)
    planned_to = forms.DateField(label=_("Đến ngày"), widget=DateInput(), help_text=DATE_HELP)
    proposal_codes = forms.CharField(
        label=_("Mã hồ sơ các đề xuất liên quan (nếu có)"), max_length=1000, required=False,
        help_text=_("Cách nhau bởi dấu phẩy, ví dụ: DX2026-000123, DX2026-000124."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def codes(self) -> list[str]:
        return [code for code in self.cleaned_data["proposal_codes"].replace(";", ",").split(",") if code.strip()]


class ConcludeForm(forms.Form):
    prefix = "conclude"
    finding = forms.CharField(label=_("Kết quả, phát hiện"), max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.CharField(label=_("Kiến nghị"), max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))
    concluded_on = forms.DateField(label=_("Ngày kết luận"), widget=DateInput(), help_text=DATE_HELP)
    party_orgs_handled = forms.IntegerField(label=_("Số tổ chức đảng vi phạm được xử lý"), min_value=0, initial=0)
    party_members_handled = forms.IntegerField(label=_("Số đảng viên vi phạm được xử lý"), min_value=0, initial=0)


class FollowUpForm(forms.Form):
    prefix = "follow"
    happened_on = forms.DateField(label=_("Ngày"), widget=DateInput(), help_text=DATE_HELP)
    note = forms.CharField(label=_("Nội dung theo dõi, đôn đốc"), max_length=NOTE_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 3}))
    completed = forms.BooleanField(label=_("Kiến nghị đã được thực hiện xong (kết thúc theo dõi)"), required=False)


class SupervisionFilterForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị (gồm đơn vị trực thuộc)"), queryset=OrgUnit.objects.none(), required=False,
                           empty_label=_("Tất cả"))
    year = forms.TypedChoiceField(label=_("Năm"), required=False, coerce=int, empty_value=None)
    sau = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        this_year = timezone.localdate().year
        # Decree 73 took effect in 2023.
        self.fields["year"].choices = [("", _("Tất cả"))] + [(y, str(y)) for y in range(this_year + 1, 2022, -1)]


# --- The register (SUP-2) ----------------------------------------------------------------------------------------------


class RegisterEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=RegisterEntry.Kind.choices, widget=forms.RadioSelect)
    unit = UnitChoiceField(label=_("Cơ quan, đơn vị đề xuất"), queryset=OrgUnit.objects.none(),
                           empty_label=_("— Chọn đơn vị —"))
    proposal_code = forms.CharField(label=_("Mã hồ sơ đề xuất liên quan (nếu có)"), max_length=30, required=False)
    title = forms.CharField(label=_("Tên kiến nghị, mô hình"), max_length=300)
    content = forms.CharField(label=_("Nội dung"), max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.CharField(label=_("Quy định đang vướng mắc, đề xuất sửa đổi, bổ sung"), max_length=NOTE_MAX_CHARS,
                                  required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RegisterForwardForm(forms.Form):
    prefix = "forward"
    forwarded_to = UnitChoiceField(label=_("Chuyển đến cơ quan, đơn vị cấp trên"), queryset=OrgUnit.objects.none(),
                                   empty_label=None)
    forwarded_on = forms.DateField(label=_("Ngày chuyển"), widget=DateInput(), help_text=DATE_HELP)

    def __init__(self, *args, entry: RegisterEntry, **kwargs):
        super().__init__(*args, **kwargs)
        ancestors = [int(pk) for pk in entry.unit.path.split("/") if pk][:-1]
        self.fields["forwarded_to"].queryset = OrgUnit.objects.filter(pk__in=ancestors).order_by("-path")


class RegisterDecideForm(forms.Form):
    prefix = "decide"
    DECISIONS = [("accepted", RegisterEntry.Status.ACCEPTED.label), ("not_accepted", RegisterEntry.Status.NOT_ACCEPTED.label)]

    decision = forms.ChoiceField(label=_("Ý kiến"), choices=DECISIONS, widget=forms.RadioSelect)
    response = forms.CharField(label=_("Ý kiến trả lời"), max_length=NOTE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("Ngày trả lời"), widget=DateInput(), help_text=DATE_HELP)


class RegisterFilterForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị (gồm đơn vị trực thuộc)"), queryset=OrgUnit.objects.none(), required=False,
                           empty_label=_("Tất cả"))
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", _("Tất cả")), *RegisterEntry.Kind.choices])
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=[("", _("Tất cả")), *RegisterEntry.Status.choices])
    sau = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
