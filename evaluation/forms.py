"""Forms of the evaluation stage's actions. They collect input; every rule is checked in `evaluation.services`.

Field names match the keys of the services' `ValidationError`s, so that each message shows next to its field.
Each form has its own prefix: several share the proposal page. Choices offered are only those the rules allow
(the protection measure and the encouragement forms a conclusion allows, the parties not yet recorded).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TEXT_MAX_LENGTH
from proposals.forms import DateInput

from .models import EncouragementForm, EvaluationVote, Measure, Outcome

YES_NO = (("1", _("Có")), ("0", _("Không")))


def yes_no_field(label, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda value: value == "1", widget=forms.RadioSelect, **kwargs
    )


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ConsultationForm(forms.Form):
    prefix = "evaluation_consultation"

    committee = forms.CharField(label=_("Cấp ủy, tổ chức đảng cho ý kiến"), max_length=255,
                                help_text=_("Ví dụ: Đảng ủy Sở Nội vụ."))
    opinion_date = forms.DateField(label=_("Ngày có ý kiến"), widget=DateInput(), help_text=_("Định dạng ngày/tháng/năm."))
    opinion = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nội dung ý kiến về kết quả thực hiện"), widget=_textarea(4))
    document = forms.FileField(label=_("Văn bản ý kiến (bản chụp)"), required=False,
                               help_text=_("PDF hoặc ảnh chụp văn bản có chữ ký, con dấu."))


class MeetingOpenForm(forms.Form):
    """The evaluation meeting and the assessment put to it (EVL-2, EVL-5)."""

    prefix = "evaluation_meeting"

    held_on = forms.DateField(label=_("Ngày họp"), widget=DateInput(), help_text=_("Định dạng ngày/tháng/năm."))
    starts_at = forms.TimeField(
        label=_("Giờ bắt đầu"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Giờ:phút, ví dụ 08:30; được ghi vào biên bản họp."),
    )
    location = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    secretary_name = forms.CharField(label=_("Thư ký cuộc họp"), max_length=150,
                                     help_text=_("Họ và tên người ghi biên bản; biên bản do thư ký và người chủ trì ký."))
    attendees = forms.ModelMultipleChoiceField(
        label=_("Thành viên có quyền biểu quyết có mặt"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Người đứng đầu và cấp phó đương nhiệm vào ngày họp, trừ cán bộ đề xuất và đồng tác giả. "
                    "Bỏ chọn thành viên vắng mặt."),
    )
    other_attendees = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Thành phần khác tham dự"), required=False, widget=_textarea(2))
    proposed_outcome = forms.ChoiceField(
        label=_("Kết quả thực hiện so với mục tiêu đề ra (nội dung đưa ra biểu quyết)"), choices=Outcome.choices,
        widget=forms.RadioSelect,
    )
    proposed_damage = yes_no_field(_("Có thiệt hại"))
    proposed_right_policy = yes_no_field(_("Đúng chủ trương"))
    proposed_pure_motive = yes_no_field(_("Động cơ trong sáng"))
    proposed_common_good = yes_no_field(_("Vì lợi ích chung"))

    def __init__(self, *args, candidates, titles: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        titles = titles or {}
        field = self.fields["attendees"]
        field.queryset = candidates
        field.label_from_instance = lambda person: (
            f"{person.get_full_name()} — {titles[person.pk]}" if titles.get(person.pk) else person.get_full_name()
        )


class VoteForm(forms.Form):
    prefix = "evaluation_vote"

    choice = forms.ChoiceField(label=_("Ý kiến đối với nội dung đánh giá"), choices=EvaluationVote.Choice.choices,
                               widget=forms.RadioSelect)
    reason = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Lý do"), required=False, widget=_textarea(3),
                             help_text=_("Bắt buộc khi không tán thành; được ghi vào biên bản họp."))


class EmptyForm(forms.Form):
    pass


class AdjournForm(forms.Form):
    prefix = "evaluation_adjourn"

    reason = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Lý do hoãn cuộc họp"), widget=_textarea(2))


class ConclusionForm(forms.Form):
    """EVL-3/4/5: outcome, damage, the three findings with reasons, objective and subjective causes."""

    prefix = "conclusion"

    outcome = forms.ChoiceField(label=_("Kết quả thực hiện so với mục tiêu đề ra"), choices=Outcome.choices,
                                widget=forms.RadioSelect)
    results_assessment = forms.CharField(max_length=TEXT_MAX_LENGTH,
        label=_("Đánh giá kết quả thực hiện so với mục tiêu, hiệu quả dự kiến của kế hoạch"), widget=_textarea(4),
    )
    damage = yes_no_field(_("Có thiệt hại"))
    damage_vnd = forms.IntegerField(
        label=_("Giá trị thiệt hại ước tính (đồng)"), required=False, min_value=0,
        help_text=_("Bắt buộc khi có thiệt hại; số nguyên, đơn vị đồng."),
    )
    right_policy = yes_no_field(_("Đúng chủ trương"))
    right_policy_reasons = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Lý do (đúng chủ trương)"), widget=_textarea())
    pure_motive = yes_no_field(_("Động cơ trong sáng"))
    pure_motive_reasons = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Lý do (động cơ trong sáng)"), widget=_textarea())
    common_good = yes_no_field(_("Vì lợi ích chung"))
    common_good_reasons = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Lý do (vì lợi ích chung)"), widget=_textarea())
    objective_causes = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nguyên nhân khách quan"), widget=_textarea(),
                                       help_text=_("Bắt buộc (Điều 11 khoản 4)."))
    subjective_causes = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nguyên nhân chủ quan"), widget=_textarea(),
                                        help_text=_("Bắt buộc (Điều 11 khoản 4)."))

    def clean(self):
        # The service says the same; here too, so that every missing part shows at once.
        cleaned = super().clean()
        if cleaned.get("damage") and cleaned.get("damage_vnd") is None and "damage_vnd" not in self.errors:
            self.add_error("damage_vnd", _("Cần ghi giá trị thiệt hại ước tính (đồng) khi có thiệt hại."))
        return cleaned


def _party_choices(parties) -> list[tuple[str, str]]:
    return [(party.key, party.label) for party in parties]


class ProtectionForm(forms.Form):
    """PRO-1..4: only the measures the conclusion allows are offered; the parties not yet recorded."""

    prefix = "protection"

    party = forms.ChoiceField(label=_("Đối tượng được đề nghị bảo vệ"))
    measure = forms.ChoiceField(label=_("Biện pháp bảo vệ đề nghị"), widget=forms.RadioSelect)
    addressee = forms.CharField(
        label=_("Kính gửi (cơ quan, người có thẩm quyền quyết định)"), max_length=255,
        help_text=_("Cơ quan có thẩm quyền xem xét, quyết định theo quy định của pháp luật có liên quan."),
    )
    note = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nội dung đề nghị thêm"), required=False, widget=_textarea(2))

    def __init__(self, *args, parties, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = _party_choices(parties)
        self.fields["measure"].choices = [(m, Measure(m).label) for m in measures]
        if len(measures) == 1:
            self.fields["measure"].initial = measures[0]


class FinalDecisionForm(forms.Form):
    """PRO-4: the competent body's final decision on one of the proposal's protection letters."""

    prefix = "protection_final"

    record = forms.TypedChoiceField(label=_("Văn bản đề nghị"), coerce=int)
    body = forms.CharField(label=_("Cơ quan, người có thẩm quyền đã quyết định"), max_length=255)
    number = forms.CharField(label=_("Số văn bản quyết định"), max_length=60)
    decided_on = forms.DateField(label=_("Ngày quyết định"), widget=DateInput(), help_text=_("Định dạng ngày/tháng/năm."))
    link = forms.CharField(label=_("Đường dẫn văn bản (nếu có)"), max_length=500, required=False)
    summary = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nội dung quyết định"), required=False, widget=_textarea(2))

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [
            (r.pk, f"{r.number} — {r.party_name} — {r.get_measure_display()}") for r in records
        ]


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Lý do không đề nghị"), widget=_textarea(2))


class EncouragementRecordForm(forms.Form):
    """ENC-1..3: the parties, and only the Art. 10 forms the conclusion allows."""

    prefix = "encouragement"

    party = forms.ChoiceField(label=_("Đối tượng được khuyến khích"))
    form = forms.ChoiceField(label=_("Hình thức khuyến khích (Điều 10)"), widget=forms.RadioSelect)
    detail = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Nội dung cụ thể"), required=False, widget=_textarea(2),
                             help_text=_("Bắt buộc với hình thức khác; ví dụ: mức, danh hiệu khen thưởng đề nghị."))
    other_by_proposal = forms.BooleanField(
        label=_("Hình thức khác thuộc thẩm quyền cấp trên: lập văn bản đề nghị"), required=False,
    )
    addressee = forms.CharField(
        label=_("Kính gửi (cơ quan có thẩm quyền)"), max_length=255, required=False,
        help_text=_("Bắt buộc với hình thức vượt thẩm quyền của người đứng đầu (khen thưởng cấp trên, nâng ngạch, "
                    "nâng bậc lương trước thời hạn): hệ thống lập văn bản đề nghị thay cho quyết định."),
    )
    note = forms.CharField(max_length=TEXT_MAX_LENGTH, label=_("Thành tích, lý do"), required=False, widget=_textarea(2))

    def __init__(self, *args, parties, forms_allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = _party_choices(parties)
        self.fields["form"].choices = [(f, EncouragementForm(f).label) for f in forms_allowed]
