"""What the deciding unit records about a proposal: consultation, meeting and votes, decisions.

Spec: README §3 (votes, documents); decree73.md §3.2 T2 (consultation), T4 (vote), T5 (override),
T7 (rejection), §4.2–4.3 (decision and minutes contents); documents.md (numbering).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from proposals.models import LegalProfile, Proposal


# Frozen documents (spec README §6: the recorded history cannot be altered). Each PDF is rendered once, when
# the decision is issued or the meeting closed, and kept in the private document store, never served publicly:
# only the scope-checked download views read it. Random names: a file name reveals nothing and never clashes.
def decision_pdf_path(instance: "Decision", filename: str) -> str:
    return f"decisions/{instance.register_year}/{uuid.uuid4().hex}.pdf"


def minutes_pdf_path(instance: "Meeting", filename: str) -> str:
    return f"minutes/{instance.held_on.year}/{uuid.uuid4().hex}.pdf"


class Consultation(models.Model):
    """The same-level party committee's opinion before approval (Art. 4(3), decree73.md T2)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="consultations")
    version = models.PositiveIntegerField(_("phiên bản kế hoạch"))
    committee = models.CharField(_("cấp ủy, tổ chức đảng"), max_length=255)
    opinion_date = models.DateField(_("ngày có ý kiến"))
    opinion = models.TextField(_("nội dung ý kiến"))
    document = models.FileField(_("văn bản ý kiến (bản chụp)"), upload_to="consultations/", max_length=255, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    # Checked and hashed when recorded (core.uploads.check_upload): the hash is also in the audit event, so the scan
    # can be shown to be the one recorded; the type, judged from the bytes, is what the download is served as.
    # Empty on scans recorded before these fields existed.
    document_sha256 = models.CharField(_("mã SHA-256 của văn bản ý kiến"), max_length=64, blank=True, editable=False)
    document_content_type = models.CharField(max_length=100, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến cấp ủy")
        verbose_name_plural = _("ý kiến cấp ủy")
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "version"], name="consultation_one_per_version"),
        ]

    def __str__(self):
        return f"{self.committee} — {self.opinion_date:%d/%m/%Y}"


class Meeting(models.Model):
    """A meeting of the leadership collective that votes on one version of a plan (Art. 8(1))."""

    class State(models.TextChoices):
        OPEN = "open", _("Đang biểu quyết")
        CLOSED = "closed", _("Đã kết thúc")
        ADJOURNED = "adjourned", _("Đã hoãn")

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="meetings")
    version = models.PositiveIntegerField(_("phiên bản kế hoạch"))
    unit = models.ForeignKey(OrgUnit, verbose_name=_("tập thể lãnh đạo của"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("ngày họp"))
    # Required by meeting_open (decree73.md §4.3: time and place of the minutes); empty only on meetings
    # recorded before the field existed.
    starts_at = models.TimeField(_("giờ bắt đầu"), null=True, blank=True)
    # D-7, review finding 8: when the meeting ended, as the chair states it ("kết thúc vào hồi … giờ … cùng ngày").
    ends_at = models.TimeField(_("giờ kết thúc"), null=True, blank=True)
    location = models.CharField(_("địa điểm"), max_length=255, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("chủ trì"), on_delete=models.PROTECT, related_name="+")
    secretary_name = models.CharField(_("thư ký cuộc họp"), max_length=150, blank=True)
    # Frozen when the meeting opens: computed from positions on `held_on`, minus the proposer.
    eligible_voters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("thành viên có quyền biểu quyết"), related_name="+"
    )
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("thành viên có mặt"), related_name="+")
    excluded_note = models.CharField(_("thành viên không biểu quyết và lý do"), max_length=500, blank=True)
    other_attendees = models.TextField(_("thành phần khác tham dự"), blank=True)
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    adjourn_reason = models.TextField(_("lý do hoãn"), blank=True)
    # The computed result (never typed by anyone), kept with the rule that produced it.
    votes_for = models.PositiveSmallIntegerField(default=0)
    votes_against = models.PositiveSmallIntegerField(default=0)
    votes_abstain = models.PositiveSmallIntegerField(default=0)
    # The rule that produced it, copied from the legal profile at close: the minutes state the rule applied
    # (decree73.md §4.3), whatever later happens to the profile.
    threshold_percent = models.PositiveSmallIntegerField(_("tỷ lệ tán thành phải trên (%)"), null=True, blank=True)
    denominator_rule = models.CharField(max_length=10, blank=True)
    tie_rule = models.CharField(_("khi số phiếu tán thành và không tán thành ngang nhau"), max_length=10, choices=LegalProfile.TieRule.choices, blank=True)
    denominator = models.PositiveSmallIntegerField(default=0)
    tie_break_applied = models.BooleanField(default=False)
    passed = models.BooleanField(null=True)
    minutes_number = models.CharField(_("số biên bản"), max_length=50, blank=True)
    minutes_pdf = models.FileField(_("biên bản (PDF)"), upload_to=minutes_pdf_path, max_length=255, blank=True, editable=False)
    minutes_sha256 = models.CharField(_("mã SHA-256 của biên bản"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("cuộc họp tập thể lãnh đạo")
        verbose_name_plural = _("cuộc họp tập thể lãnh đạo")
        ordering = ["-held_on", "-opened_at"]
        constraints = [
            # At most one meeting voting on a proposal at a time (two clicks never open two).
            models.UniqueConstraint(fields=["proposal"], condition=Q(state="open"), name="meeting_one_open_per_proposal"),
            models.CheckConstraint(name="meeting_state_valid", condition=Q(state__in=["open", "closed", "adjourned"])),
            models.CheckConstraint(
                name="meeting_closed_has_result", condition=~Q(state="closed") | Q(passed__isnull=False, closed_at__isnull=False)
            ),
            models.CheckConstraint(
                name="meeting_closed_has_rule", condition=~Q(state="closed") | (Q(threshold_percent__isnull=False) & ~Q(tie_rule=""))
            ),
            models.CheckConstraint(name="meeting_tie_rule_valid", condition=Q(tie_rule__in=["", "head_side", "fail"])),
        ]
        indexes = [models.Index(fields=["state", "unit"], name="meeting_state_unit_idx")]

    def __str__(self):
        return f"{self.proposal} — {self.held_on:%d/%m/%Y}"


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("Tán thành")
        AGAINST = "against", _("Không tán thành")
        ABSTAIN = "abstain", _("Không biểu quyết")

    meeting = models.ForeignKey(Meeting, verbose_name=_("cuộc họp"), on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người biểu quyết"), on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("ý kiến"), max_length=10, choices=Choice.choices)
    reason = models.TextField(_("lý do"), blank=True)
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu biểu quyết")
        verbose_name_plural = _("phiếu biểu quyết")
        ordering = ["cast_at"]
        constraints = [
            # One vote per person per meeting, whatever the number of clicks or tabs.
            models.UniqueConstraint(fields=["meeting", "voter"], name="vote_one_per_voter"),
            models.CheckConstraint(name="vote_choice_valid", condition=Q(choice__in=["for", "against", "abstain"])),
        ]

    def __str__(self):
        return f"{self.voter} — {self.get_choice_display()}"


class Decision(models.Model):
    """A written decision on a proposal: every decision is a numbered document (spec README §3)."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("Quyết định cho triển khai thực hiện")
        OVERRIDE = "override", _("Quyết định cho triển khai thực hiện (người đứng đầu quyết định)")
        REJECTION = "rejection", _("Văn bản trả lời không chấp thuận")
        RETURN = "return", _("Văn bản trả lại để bổ sung, làm rõ")
        REFERRAL = "referral", _("Văn bản báo cáo cấp có thẩm quyền (vượt thẩm quyền)")

    # The register each kind is numbered in (documents.md "Numbering"): decisions in the QĐ register,
    # letters (công văn, no type abbreviation in the number) in the CV register.
    REGISTER = {"approval": "QĐ", "override": "QĐ", "rejection": "CV", "return": "CV", "referral": "CV"}

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("loại văn bản"), max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField(_("phiên bản kế hoạch"))
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số văn bản"), max_length=60)
    register = models.CharField(max_length=10)
    register_year = models.PositiveSmallIntegerField()
    register_seq = models.PositiveIntegerField()
    issued_on = models.DateField(_("ngày ban hành"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ký"), on_delete=models.PROTECT, related_name="+")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150)
    text = models.TextField(_("nội dung, lý do, căn cứ"))
    # Art. 4(2) [C] (D-5): the approval or override confirms the proposal is within the unit's authority and lawful.
    competence_confirmed = models.BooleanField(_("xác nhận thuộc thẩm quyền, không trái quy định"), default=False)
    # D-8: a return before any meeting names the Art. 7(2) contents found incomplete (PlanContent field names).
    incomplete_items = models.JSONField(_("nội dung chưa đầy đủ"), default=list, blank=True)
    pdf = models.FileField(_("văn bản (PDF)"), upload_to=decision_pdf_path, max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("mã SHA-256 của văn bản"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản quyết định")
        verbose_name_plural = _("văn bản quyết định")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "register", "register_year", "register_seq"], name="decision_number_unique"
            ),
            # One approving decision per proposal version: two heads clicking at once never issue two.
            models.UniqueConstraint(
                fields=["proposal", "version"], condition=Q(kind__in=["approval", "override", "rejection", "referral"]),
                name="decision_one_final_per_version",
            ),
            models.CheckConstraint(name="decision_kind_valid", condition=Q(kind__in=["approval", "override", "rejection", "return", "referral"])),
            models.CheckConstraint(name="decision_text_required", condition=~Q(text="")),
        ]

    def __str__(self):
        return f"{self.number} — {self.get_kind_display()}"
