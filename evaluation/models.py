"""What the evaluating unit records after the completion report: the party committee's opinion, the evaluation
meeting and its votes, the written conclusion, and the protection and encouragement that follow from it.

Spec: after-approval.md EVL-1..6 (evaluation, Art. 4(3), Art. 18, Art. 11(4), Art. 5(2)), PRO-1..4 (protection,
Art. 11), ENC-1..5 (encouragement, Art. 10); decree73.md T12, T13, §4.3, §4.5, §4.6; documents.md (numbering).
The evaluating unit is the unit that approved (`proposal.decision_unit`, EVL-6 default).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from proposals.models import LegalProfile, Proposal


# Issued documents live in the private document store, never served publicly: only the scope-checked views read them. Random
# names: a file name reveals nothing and never clashes.
def minutes_pdf_path(instance, filename: str) -> str:
    return f"evaluation/minutes/{uuid.uuid4().hex}.pdf"


def conclusion_pdf_path(instance, filename: str) -> str:
    return f"evaluation/conclusions/{uuid.uuid4().hex}.pdf"


def protection_pdf_path(instance, filename: str) -> str:
    return f"evaluation/protection/{uuid.uuid4().hex}.pdf"


def encouragement_pdf_path(instance, filename: str) -> str:
    return f"evaluation/encouragement/{uuid.uuid4().hex}.pdf"


def format_vnd(amount: int | None) -> str:
    """"1.500.000.000 đồng": Vietnamese groups thousands with dots."""
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", ".") + " đồng"


class Outcome(models.TextChoices):
    """EVL-5, Art. 5(2), Art. 11(1)–(3) [C]: the result against the objectives of the version in force."""

    COMPLETED = "completed", _("Hoàn thành")
    PARTIAL = "partial", _("Hoàn thành một phần")
    NOT_COMPLETED = "not_completed", _("Không hoàn thành")


class Finding(models.TextChoices):
    """The three good-faith findings of Art. 5(2)(b) and Art. 11 (glossary: đúng chủ trương; động cơ trong sáng;
    vì lợi ích chung). Each is a yes/no with its reasons."""

    RIGHT_POLICY = "right_policy", _("Đúng chủ trương")
    PURE_MOTIVE = "pure_motive", _("Động cơ trong sáng")
    COMMON_GOOD = "common_good", _("Vì lợi ích chung")


class ProtectionBasis(models.TextChoices):
    """Which row of the PRO-1 table a conclusion falls in (protection_basis in `evaluation.rules`)."""

    ART_11_1 = "11_1", _("Khoản 1 Điều 11 (hoàn thành)")
    ART_11_2 = "11_2", _("Khoản 2 Điều 11 (không hoặc hoàn thành một phần, không có thiệt hại)")
    ART_11_3 = "11_3", _("Khoản 3 Điều 11 (không hoặc hoàn thành một phần, có thiệt hại)")
    NONE = "none", _("Không đủ điều kiện áp dụng Điều 11")


class Measure(models.TextChoices):
    """PRO-1: the measures of Art. 11 a unit may propose; which one a conclusion allows is `rules.allowed_measures`."""

    NO_LIABILITY = "no_liability", _("Không bị xử lý trách nhiệm theo pháp luật có liên quan")
    EXCLUSION = "exclusion", _("Được loại trừ trách nhiệm")
    # Art. 11(3) is a consideration, not a result: the head proposes one of the three to the competent body.
    CONSIDER_EXCLUSION = "consider_exclusion", _("Được xem xét loại trừ trách nhiệm")
    CONSIDER_EXEMPTION = "consider_exemption", _("Được xem xét miễn trách nhiệm")
    CONSIDER_MITIGATION = "consider_mitigation", _("Được xem xét giảm nhẹ trách nhiệm")


class EncouragementForm(models.TextChoices):
    """ENC-2, Art. 10 [C]: the forms of encouragement (conditions in `rules.allowed_forms`)."""

    COMMENDATION = "commendation", _("Biểu dương trước tập thể cơ quan, đơn vị")
    REWARD_UNIT = "reward_unit", _("Khen thưởng theo thẩm quyền của người đứng đầu (Luật Thi đua, khen thưởng)")
    REWARD_HIGHER = "reward_higher", _("Đề nghị cấp có thẩm quyền khen thưởng theo Luật Thi đua, khen thưởng")
    APPRAISAL_BASIS = "appraisal_basis", _(
        "Làm cơ sở đánh giá, xếp loại, bổ nhiệm, bổ nhiệm lại, quy hoạch, điều động, luân chuyển"
    )
    RANK_PROMOTION = "rank_promotion", _("Xét thành tích xuất sắc trong hoạt động công vụ để nâng ngạch")
    EARLY_SALARY_STEP = "early_salary_step", _("Nâng bậc lương trước thời hạn 12 tháng")
    OTHER = "other", _("Hình thức khác theo quy định của Đảng và pháp luật")


class PartyKind(models.TextChoices):
    """Who a protection or encouragement record is for (PRO-3, ENC-1)."""

    PROPOSER = "proposer", _("Cán bộ đề xuất")
    CO_AUTHOR = "co_author", _("Đồng tác giả")
    IMPLEMENTER = "implementer", _("Cá nhân, tổ chức thực hiện")
    APPROVING_UNIT = "approving_unit", _("Cơ quan đã cho triển khai thực hiện")
    APPROVING_HEAD = "approving_head", _("Người đứng đầu cơ quan đã cho triển khai thực hiện")


class PartyType(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    ORGANISATION = "organisation", _("Cơ quan, tổ chức")


class EvaluationConsultation(models.Model):
    """EVL-1, Art. 4(3) [C]: the same-level party committee's opinion on the results, before they are evaluated."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="evaluation_consultations"
    )
    committee = models.CharField(_("cấp ủy, tổ chức đảng"), max_length=255)
    opinion_date = models.DateField(_("ngày có ý kiến"))
    opinion = models.TextField(_("nội dung ý kiến"))
    document = models.FileField(
        _("văn bản ý kiến (bản chụp)"), upload_to="evaluation/consultations/", max_length=255, blank=True
    )
    document_name = models.CharField(max_length=255, blank=True)
    # Checked and hashed when recorded (core.uploads.check_upload); the hash is in the audit event too.
    document_sha256 = models.CharField(_("mã SHA-256 của văn bản ý kiến"), max_length=64, blank=True, editable=False)
    document_content_type = models.CharField(max_length=100, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến cấp ủy về kết quả thực hiện")
        verbose_name_plural = _("ý kiến cấp ủy về kết quả thực hiện")
        ordering = ["recorded_at"]
        constraints = [
            # The results are evaluated once: one opinion on them, whatever the clicks.
            models.UniqueConstraint(fields=["proposal"], name="evaluation_consultation_one_per_proposal"),
        ]

    def __str__(self):
        return f"{self.committee} — {self.opinion_date:%d/%m/%Y}"


class EvaluationMeeting(models.Model):
    """EVL-2, Art. 18 [C]: the leadership collective meets to evaluate the results within the deadline.

    The question put to it is the proposed assessment (outcome, damage, the three findings); how it decides is
    the profile's `evaluation_rule`, copied here when the meeting opens: the collective's vote under the
    Art. 8(1) rule, or the head's decision after the members' opinions.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Đang biểu quyết")
        CLOSED = "closed", _("Đã kết thúc")
        ADJOURNED = "adjourned", _("Đã hoãn")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="evaluation_meetings"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("tập thể lãnh đạo của"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("ngày họp"))
    starts_at = models.TimeField(_("giờ bắt đầu"))
    location = models.CharField(_("địa điểm"), max_length=255, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("chủ trì"), on_delete=models.PROTECT, related_name="+")
    secretary_name = models.CharField(_("thư ký cuộc họp"), max_length=150)
    eligible_voters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("thành viên có quyền biểu quyết"), related_name="+"
    )
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("thành viên có mặt"), related_name="+")
    excluded_note = models.CharField(_("thành viên không biểu quyết và lý do"), max_length=500, blank=True)
    other_attendees = models.TextField(_("thành phần khác tham dự"), blank=True)
    rule = models.CharField(
        _("cách quyết định"), max_length=10, choices=LegalProfile.DecisionPath.choices,
        default=LegalProfile.DecisionPath.COLLECTIVE,
    )
    # The question voted on: the proposed assessment (EVL-5).
    proposed_outcome = models.CharField(_("kết quả đề nghị"), max_length=20, choices=Outcome.choices)
    proposed_damage = models.BooleanField(_("có thiệt hại"))
    proposed_right_policy = models.BooleanField(_("đúng chủ trương"))
    proposed_pure_motive = models.BooleanField(_("động cơ trong sáng"))
    proposed_common_good = models.BooleanField(_("vì lợi ích chung"))
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    adjourn_reason = models.TextField(_("lý do hoãn"), blank=True)
    # The computed result (never typed), kept with the rule that produced it.
    votes_for = models.PositiveSmallIntegerField(default=0)
    votes_against = models.PositiveSmallIntegerField(default=0)
    votes_abstain = models.PositiveSmallIntegerField(default=0)
    threshold_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    denominator_rule = models.CharField(max_length=10, blank=True)
    tie_rule = models.CharField(max_length=10, choices=LegalProfile.TieRule.choices, blank=True)
    denominator = models.PositiveSmallIntegerField(default=0)
    tie_break_applied = models.BooleanField(default=False)
    passed = models.BooleanField(_("thông qua đánh giá đề nghị"), null=True)
    minutes_number = models.CharField(_("số biên bản"), max_length=50, blank=True)
    minutes_pdf = models.FileField(_("biên bản (PDF)"), upload_to=minutes_pdf_path, max_length=255, blank=True, editable=False)
    minutes_sha256 = models.CharField(_("mã SHA-256 của biên bản"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("cuộc họp đánh giá kết quả")
        verbose_name_plural = _("cuộc họp đánh giá kết quả")
        ordering = ["-held_on", "-opened_at"]
        constraints = [
            # Two clicks never open two meetings on one proposal.
            models.UniqueConstraint(fields=["proposal"], condition=Q(state="open"), name="evaluation_meeting_one_open"),
            # One evaluation: at most one meeting ever closes with a result.
            models.UniqueConstraint(fields=["proposal"], condition=Q(state="closed"), name="evaluation_meeting_one_closed"),
            models.CheckConstraint(name="evaluation_meeting_state_valid", condition=Q(state__in=["open", "closed", "adjourned"])),
            models.CheckConstraint(
                name="evaluation_meeting_closed_has_result",
                condition=~Q(state="closed") | Q(passed__isnull=False, closed_at__isnull=False) & ~Q(minutes_number=""),
            ),
            models.CheckConstraint(name="evaluation_meeting_rule_valid", condition=Q(rule__in=["collective", "head"])),
            models.CheckConstraint(
                name="evaluation_meeting_outcome_valid", condition=Q(proposed_outcome__in=["completed", "partial", "not_completed"])
            ),
        ]
        indexes = [
            # The inbox: open meetings of a unit.
            models.Index(fields=["state", "unit"], name="evaluation_meeting_state_idx"),
        ]

    def __str__(self):
        return f"{self.proposal} — {self.held_on:%d/%m/%Y}"

    @property
    def proposed_findings(self) -> dict[str, bool]:
        return {
            Finding.RIGHT_POLICY: self.proposed_right_policy,
            Finding.PURE_MOTIVE: self.proposed_pure_motive,
            Finding.COMMON_GOOD: self.proposed_common_good,
        }


class EvaluationVote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("Tán thành")
        AGAINST = "against", _("Không tán thành")
        ABSTAIN = "abstain", _("Không biểu quyết")

    meeting = models.ForeignKey(EvaluationMeeting, verbose_name=_("cuộc họp"), on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người biểu quyết"), on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("ý kiến"), max_length=10, choices=Choice.choices)
    reason = models.TextField(_("lý do"), blank=True)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu biểu quyết đánh giá")
        verbose_name_plural = _("phiếu biểu quyết đánh giá")
        ordering = ["cast_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "voter"], name="evaluation_vote_one_per_voter"),
            models.CheckConstraint(name="evaluation_vote_choice_valid", condition=Q(choice__in=["for", "against", "abstain"])),
        ]

    def __str__(self):
        return f"{self.voter} — {self.get_choice_display()}"


class NumberedDocument(models.Model):
    """The number, date and signer every document of this stage carries (documents.md)."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số văn bản"), max_length=60)
    register = models.CharField(max_length=10)
    register_year = models.PositiveSmallIntegerField()
    register_seq = models.PositiveIntegerField()
    issued_on = models.DateField(_("ngày ban hành"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ký"), on_delete=models.PROTECT, related_name="+")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Conclusion(NumberedDocument):
    """EVL-3/4/5: the head's written conclusion on the results (Art. 11(4), Art. 5(2)); one per proposal."""

    class Path(models.TextChoices):
        MEETING = "meeting", _("Sau cuộc họp đánh giá")
        CONCLUSION = "conclusion", _("Kết luận không họp (theo bộ quy định áp dụng)")

    proposal = models.OneToOneField(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="conclusion")
    meeting = models.ForeignKey(EvaluationMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(_("cách đánh giá"), max_length=12, choices=Path.choices)
    # The version in force whose objectives the results are measured against (Art. 11(2) "mục tiêu đề ra").
    version = models.PositiveIntegerField(_("phiên bản kế hoạch"))
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices)
    results_assessment = models.TextField(_("kết quả thực hiện so với mục tiêu đề ra"))
    damage = models.BooleanField(_("có thiệt hại"))
    damage_vnd = models.PositiveBigIntegerField(_("giá trị thiệt hại ước tính (đồng)"), null=True, blank=True)
    right_policy = models.BooleanField(_("đúng chủ trương"))
    right_policy_reasons = models.TextField(_("lý do (đúng chủ trương)"))
    pure_motive = models.BooleanField(_("động cơ trong sáng"))
    pure_motive_reasons = models.TextField(_("lý do (động cơ trong sáng)"))
    common_good = models.BooleanField(_("vì lợi ích chung"))
    common_good_reasons = models.TextField(_("lý do (vì lợi ích chung)"))
    objective_causes = models.TextField(_("nguyên nhân khách quan"))
    subjective_causes = models.TextField(_("nguyên nhân chủ quan"))
    # The PRO-1 row, computed from the fields above when issued (never chosen).
    protection_basis = models.CharField(_("căn cứ bảo vệ"), max_length=10, choices=ProtectionBasis.choices)
    pdf = models.FileField(_("kết luận (PDF)"), upload_to=conclusion_pdf_path, max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("mã SHA-256 của kết luận"), max_length=64, blank=True, editable=False)
    # Explicit "không đề nghị" for each follow-up (close-case rule), with the head's reason.
    protection_declined_at = models.DateTimeField(_("không đề nghị bảo vệ lúc"), null=True, blank=True)
    protection_declined_reason = models.TextField(_("lý do không đề nghị áp dụng biện pháp bảo vệ"), blank=True)
    encouragement_declined_at = models.DateTimeField(_("không đề nghị khuyến khích lúc"), null=True, blank=True)
    encouragement_declined_reason = models.TextField(_("lý do không đề nghị khuyến khích"), blank=True)

    class Meta:
        verbose_name = _("kết luận đánh giá kết quả")
        verbose_name_plural = _("kết luận đánh giá kết quả")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "register", "register_year", "register_seq"], name="conclusion_number_unique"),
            models.CheckConstraint(
                name="conclusion_outcome_valid", condition=Q(outcome__in=["completed", "partial", "not_completed"])
            ),
            # EVL-5: the estimated value is required with damage and only then.
            models.CheckConstraint(
                name="conclusion_damage_value",
                condition=Q(damage=True, damage_vnd__isnull=False) | Q(damage=False, damage_vnd__isnull=True),
            ),
            # EVL-4, Art. 11(4): both causes; EVL-5: each finding with its reasons.
            models.CheckConstraint(
                name="conclusion_reasons_required",
                condition=~Q(objective_causes="") & ~Q(subjective_causes="") & ~Q(right_policy_reasons="")
                & ~Q(pure_motive_reasons="") & ~Q(common_good_reasons="") & ~Q(results_assessment=""),
            ),
            models.CheckConstraint(
                name="conclusion_basis_valid", condition=Q(protection_basis__in=["11_1", "11_2", "11_3", "none"])
            ),
        ]

    def __str__(self):
        return f"{self.number} — {self.get_outcome_display()}"

    @property
    def damage_vnd_display(self) -> str:
        return format_vnd(self.damage_vnd)

    @property
    def findings(self) -> dict[str, bool]:
        return {
            Finding.RIGHT_POLICY: self.right_policy,
            Finding.PURE_MOTIVE: self.pure_motive,
            Finding.COMMON_GOOD: self.common_good,
        }


class PartyRecord(NumberedDocument):
    """A record for one protected or encouraged party (PRO-3, ENC-1): who it is, as it was on the day."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="+")
    conclusion = models.ForeignKey(Conclusion, verbose_name=_("kết luận đánh giá"), on_delete=models.PROTECT, related_name="+")
    # "user:12", "unit:3", "implementer:7": the party's identity among the proposal's parties (`selectors.parties`).
    party = models.CharField(_("mã đối tượng"), max_length=40)
    party_kind = models.CharField(_("đối tượng"), max_length=20, choices=PartyKind.choices)
    party_type = models.CharField(_("loại đối tượng"), max_length=15, choices=PartyType.choices)
    party_name = models.CharField(_("tên đối tượng"), max_length=255)
    party_title = models.CharField(_("chức vụ, đơn vị"), max_length=255, blank=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The competent body a letter goes to (Kính gửi); empty on the unit's own decisions.
    addressee = models.CharField(_("cơ quan có thẩm quyền"), max_length=255, blank=True)
    note = models.TextField(_("nội dung, lý do"), blank=True)

    class Meta:
        abstract = True


class ProtectionRecord(PartyRecord):
    """PRO-2/4: the unit's "văn bản xác nhận kết quả đánh giá, đề nghị áp dụng biện pháp bảo vệ" for one party.

    Never the liability decision itself: the competent disciplinary, civil or criminal body decides, and its
    decision is linked later (`final_*`).
    """

    measure = models.CharField(_("biện pháp bảo vệ"), max_length=25, choices=Measure.choices)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255)
    pdf = models.FileField(_("văn bản (PDF)"), upload_to=protection_pdf_path, max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("mã SHA-256 của văn bản"), max_length=64, blank=True, editable=False)
    # The competent body's final decision, recorded later (PRO-4).
    final_body = models.CharField(_("cơ quan ra quyết định"), max_length=255, blank=True)
    final_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    final_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    final_link = models.URLField(_("đường dẫn văn bản"), max_length=500, blank=True)
    final_summary = models.TextField(_("nội dung quyết định"), blank=True)
    final_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    final_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản xác nhận, đề nghị áp dụng biện pháp bảo vệ")
        verbose_name_plural = _("văn bản xác nhận, đề nghị áp dụng biện pháp bảo vệ")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "register", "register_year", "register_seq"], name="protection_number_unique"),
            # One proposal of a measure per party: two clicks never make two.
            models.UniqueConstraint(fields=["proposal", "party"], name="protection_one_per_party"),
            models.CheckConstraint(
                name="protection_measure_valid", condition=Q(measure__in=[m.value for m in Measure])
            ),
            models.CheckConstraint(name="protection_addressee_required", condition=~Q(addressee="")),
            models.CheckConstraint(
                name="protection_final_complete",
                condition=Q(final_recorded_at__isnull=True) | (~Q(final_body="") & ~Q(final_number="") & Q(final_date__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.number} — {self.party_name} — {self.get_measure_display()}"


class EncouragementRecord(PartyRecord):
    """ENC-1..3: one form of encouragement for one party, by the unit's own decision or, where the head lacks
    the competence, by a "văn bản đề nghị" to the competent body (`by_proposal`)."""

    form = models.CharField(_("hình thức khuyến khích"), max_length=20, choices=EncouragementForm.choices)
    detail = models.TextField(_("nội dung cụ thể"), blank=True)
    by_proposal = models.BooleanField(_("văn bản đề nghị cấp có thẩm quyền"))
    pdf = models.FileField(_("văn bản (PDF)"), upload_to=encouragement_pdf_path, max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("mã SHA-256 của văn bản"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("văn bản khuyến khích")
        verbose_name_plural = _("văn bản khuyến khích")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "register", "register_year", "register_seq"], name="encouragement_number_unique"),
            models.UniqueConstraint(fields=["proposal", "party", "form"], name="encouragement_one_per_party_form"),
            models.CheckConstraint(
                name="encouragement_form_valid", condition=Q(form__in=[f.value for f in EncouragementForm])
            ),
            # ENC-3: a proposal goes to a named competent body.
            models.CheckConstraint(name="encouragement_proposal_addressed", condition=Q(by_proposal=False) | ~Q(addressee="")),
        ]

    def __str__(self):
        return f"{self.number} — {self.party_name} — {self.get_form_display()}"
