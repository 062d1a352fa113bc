"""Forms of the deciding unit's actions. They collect input; every rule is checked in `approvals.services`.

Field names match the keys of the services' `ValidationError`s so that `form.add_error(None, error)` puts
each message next to its field. Each form has its own prefix: several of them share one proposal page.
"""

import functools

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import TEXT_MAX_LENGTH
from proposals.diff import field_label
from proposals.forms import DateInput
from proposals.models import LegalProfile

from .models import Vote
from .services import RETURNABLE_ITEMS


class ConsultationForm(forms.Form):
    prefix = "consultation"

    committee = forms.CharField(
        label=_("Cấp ủy, tổ chức đảng cho ý kiến"), max_length=255,
        help_text=_("Ví dụ: Đảng ủy Sở Nội vụ."),
    )
    opinion_date = forms.DateField(label=_("Ngày có ý kiến"), widget=DateInput(), help_text=_("Định dạng ngày/tháng/năm."))
    opinion = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nội dung ý kiến"), widget=forms.Textarea(attrs={"rows": 4}))
    document = forms.FileField(
        label=_("Văn bản ý kiến (bản chụp)"), required=False,
        help_text=_("PDF hoặc ảnh chụp văn bản có chữ ký, con dấu."),
    )


class MeetingOpenForm(forms.Form):
    """The meeting record. Attendees are chosen among the members entitled to vote, pre-ticked."""

    prefix = "meeting"

    held_on = forms.DateField(label=_("Ngày họp"), widget=DateInput(), help_text=_("Định dạng ngày/tháng/năm."))
    starts_at = forms.TimeField(
        label=_("Giờ bắt đầu"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Giờ:phút, ví dụ 08:30; được ghi vào biên bản họp."),
    )
    location = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    secretary_name = forms.CharField(
        label=_("Thư ký cuộc họp"), max_length=150, help_text=_("Họ và tên người ghi biên bản; biên bản do thư ký và người chủ trì ký."),
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("Thành viên có quyền biểu quyết có mặt"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Danh sách do hệ thống xác định theo chức vụ vào ngày họp (người đứng đầu và cấp phó, "
                    "trừ cán bộ đề xuất). Bỏ chọn thành viên vắng mặt."),
    )
    other_attendees = forms.CharField(max_length=TEXT_MAX_LENGTH,
        label=_("Thành phần khác tham dự"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates, titles: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        titles = titles or {}
        field = self.fields["attendees"]
        field.queryset = candidates
        field.label_from_instance = lambda person: (
            f"{person.get_full_name()} — {titles[person.pk]}" if titles.get(person.pk) else person.get_full_name()
        )


class VoteForm(forms.Form):
    """D-12: the reason of a vote against is required only where the legal profile says so (`reason_required`)."""

    prefix = "vote"

    choice = forms.ChoiceField(label=_("Ý kiến biểu quyết"), choices=Vote.Choice.choices, widget=forms.RadioSelect)
    reason = forms.CharField(max_length=TEXT_MAX_LENGTH,
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Được ghi vào biên bản họp."),
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["reason"].help_text = _("Bắt buộc khi không tán thành; được ghi vào biên bản họp.")


class MeetingCloseForm(forms.Form):
    """D-7, review finding 8: the time the meeting ended, which closes the minutes; the panel proposes the current
    time on the meeting day."""

    prefix = "close"

    ends_at = forms.TimeField(
        label=_("Giờ kết thúc cuộc họp"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Giờ:phút, ví dụ 10:45; được ghi vào biên bản họp (“Cuộc họp kết thúc vào hồi … giờ … phút”)."),
    )


class MeetingAdjournForm(forms.Form):
    prefix = "adjourn"

    reason = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Lý do hoãn cuộc họp"), widget=forms.Textarea(attrs={"rows": 2}))


def competence_field() -> forms.BooleanField:
    """Art. 4(2) [C] (D-5): the head confirms, in the approval or override decision, that the proposal is within the
    unit's authority and lawful; the decision states it. Required: a proposal beyond it is referred instead."""
    return forms.BooleanField(
        label=_("Tôi xác nhận đề xuất thuộc thẩm quyền quyết định của cơ quan, đơn vị; không trái quy định của Đảng, "
                "pháp luật, văn bản của cơ quan nhà nước cấp trên và điều ước quốc tế mà Việt Nam là thành viên "
                "(khoản 2 Điều 4 Nghị định số 73/2023/NĐ-CP)."),
        help_text=_("Quyết định ghi rõ xác nhận này. Đề xuất vượt thẩm quyền thì báo cáo cấp có thẩm quyền."),
        error_messages={"required": _("Cần xác nhận đề xuất thuộc thẩm quyền, không trái quy định, trước khi ban hành "
                                      "quyết định.")},
    )


class ApproveForm(forms.Form):
    prefix = "approve"

    text = forms.CharField(max_length=TEXT_MAX_LENGTH,
        label=_("Nội dung tổ chức thực hiện (Điều 2 của quyết định)"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Điều 1 (nội dung kế hoạch được phê duyệt) và Điều 3 (hiệu lực, thi hành) do hệ thống lập."),
    )
    competence_confirmed = competence_field()


class OverrideForm(forms.Form):
    prefix = "override"

    justification = forms.CharField(max_length=TEXT_MAX_LENGTH,
        label=_("Lý do người đứng đầu quyết định cho triển khai"), widget=forms.Textarea(attrs={"rows": 5}),
        # D-3: Art. 8 covers both routes; the clause (8(1) for route A, 7(4) and 8 for route B) is the decision's.
        help_text=_("Nêu rõ sự cần thiết và tính khả thi. Người đứng đầu chịu trách nhiệm trước cơ quan sử dụng cán bộ "
                    "cấp trên và trước pháp luật (Điều 8 Nghị định số 73/2023/NĐ-CP)."),
    )
    competence_confirmed = competence_field()


class ReferForm(forms.Form):
    """Art. 4(2) [C] (D-5): the proposal is beyond the unit's authority; the head reports it to the competent body."""

    prefix = "refer"

    addressee = forms.CharField(
        label=_("Kính gửi (cơ quan, người có thẩm quyền quyết định)"), max_length=255,
        help_text=_("Ví dụ: Ủy ban nhân dân tỉnh Quảng Ninh."),
    )
    reasons = forms.CharField(max_length=TEXT_MAX_LENGTH,
        label=_("Lý do đề xuất vượt thẩm quyền và nội dung báo cáo"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Được ghi vào văn bản báo cáo; cán bộ đề xuất được thông báo."),
    )


class ReasonsForm(forms.Form):
    """The written reasons of a letter to the proposer (T7); `RejectForm` and `ReturnForm` label them."""

    reasons = forms.CharField(max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}), help_text=_("Được gửi cho cán bộ đề xuất bằng văn bản."),
    )

    def __init__(self, *args, prefix: str, label: str, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.fields["reasons"].label = label


RejectForm = functools.partial(ReasonsForm, prefix="reject", label=_("Lý do không chấp thuận"))


class ReturnForm(ReasonsForm):
    """T7, D-8: the return letter's reasons and the plan's contents found incomplete, which `proposal_return` asks
    for (at least one) when no meeting was held on the version."""

    field_order = ["incomplete_items", "reasons"]

    incomplete_items = forms.MultipleChoiceField(
        label=_("Nội dung kế hoạch chưa đầy đủ (Điều 7 khoản 2)"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Trả lại trước khi tập thể lãnh đạo họp: chọn ít nhất một nội dung còn chưa đầy đủ; văn bản trả lại "
                    "liệt kê các nội dung này."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="return", label=_("Nội dung cần bổ sung, làm rõ"), **kwargs)
        self.fields["incomplete_items"].choices = [(name, field_label(name)) for name in RETURNABLE_ITEMS]


def approval_text_initial(*, proposer_name: str, report_deadline_wd: int | None = None) -> str:
    """A sensible Điều 2 for the approval decision; the head edits it before issuing.

    `report_deadline_wd` is the completion-report deadline of the proposal's legal profile (Art. 18); without
    it, the legal default of that setting. It goes into a Vietnamese document, so it is written in Vietnamese
    whatever the interface language.
    """
    if report_deadline_wd is None:
        report_deadline_wd = LegalProfile._meta.get_field("completion_report_deadline_wd").default
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "Giao %(name)s chủ trì, phối hợp với các cá nhân, tổ chức thực hiện nêu tại Điều 1 triển khai thực hiện "
            "đề xuất theo đúng kế hoạch được phê duyệt; định kỳ báo cáo tiến độ thực hiện và báo cáo kết quả thực hiện "
            "đề xuất trong thời hạn %(days)02d ngày làm việc kể từ ngày hoàn thành. Các đơn vị có liên quan bố trí "
            "nguồn lực theo kế hoạch đã được phê duyệt."
        ) % {"name": proposer_name, "days": report_deadline_wd}
