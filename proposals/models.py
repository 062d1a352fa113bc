"""Innovation proposals, their plan versions, attachments and the legal profile they are judged under.

Spec: README §3 (lifecycle), §7 (settings); decree73.md §3 T1–T7, §4.1 (plan contents), §8 (parameters).
"""

import datetime
import uuid

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Position, User

from .scope import proposal_scope_q
from .transitions import AWAITING_DECISION, DB_TRANSITIONS, Status

# What a row of a list of proposals (the list, the inbox) shows and its due badge reads, whatever else the list
# adds: never the plan texts (issue 10).
ROW_COLUMNS = (
    "code", "title", "status", "review_due", "created_at", "unit__name", "profile__due_soon_wd",
    *(f"proposer__{name}" for name in User.NAME_FIELDS),
)
# The day after every review deadline: proposals without one come last in the list's "due" order, whose seek key
# may not be NULL (core.paging); the same expression is indexed (proposal_due_idx).
NO_DUE_DATE = datetime.date(9999, 12, 31)
END_BEFORE_START = _("Thời gian kết thúc phải sau thời gian bắt đầu.")
NO_ELIGIBLE_CATEGORY = _("Phải chọn ít nhất một đối tượng được quyền đề xuất (Điều 2).")


def default_reminder_offsets() -> list[int]:
    """Two working days before the due date, and on the day (spec README §5)."""
    return [2, 0]


def default_eligible_categories() -> list[str]:
    """Art. 2 (decree73.md §1.3): the three categories of "cán bộ" who may propose."""
    return [
        Position.Category.STATE_LEADER,
        Position.Category.PUBLIC_SERVICE_MANAGER,
        Position.Category.ENTERPRISE,
    ]


# Shown on every setting that the sources leave open (after-approval.md [U]/[I]): a deployment checks it.
UNCONFIRMED = _("Chưa xác nhận trong văn bản pháp luật: giá trị mặc định, cơ quan kiểm tra và điều chỉnh.")


class LegalProfile(models.Model):
    """One version of the rules a proposal is decided under (decree73.md §8).

    Rules marked [U]/[I] in the spec are fields with a default, never constants. Admins never edit a
    version in place: saving creates the next version, and each proposal keeps the one it was submitted
    under.
    """

    class Denominator(models.TextChoices):
        PRESENT = "present", _("Số thành viên có quyền biểu quyết có mặt")
        ELIGIBLE = "eligible", _("Tổng số thành viên có quyền biểu quyết")
        CAST = "cast", _("Số phiếu tán thành và không tán thành (không tính không biểu quyết)")

    class TieRule(models.TextChoices):
        HEAD_SIDE = "head_side", _("Theo ý kiến mà người đứng đầu biểu quyết")
        FAIL = "fail", _("Không thông qua")

    class DecisionPath(models.TextChoices):
        COLLECTIVE = "collective", _("Tập thể lãnh đạo biểu quyết theo quy tắc Điều 8 khoản 1")
        HEAD = "head", _("Người đứng đầu quyết định")

    class ReportPeriod(models.TextChoices):
        CALENDAR = "calendar", _("Năm dương lịch (01/01 – 31/12)")
        DECREE_09 = "decree09", _("Theo Nghị định 09/2019/NĐ-CP (15/12 năm trước – 14/12)")

    class ConsultationTiming(models.TextChoices):
        DECISION = "decision", _("Trước khi ban hành quyết định cho triển khai (khoản 3 Điều 4)")
        MEETING = "meeting", _("Trước khi họp tập thể lãnh đạo (quy định của cơ quan)")

    class Routing(models.TextChoices):
        UNIT_TREE = "unit_tree", _("Cơ quan cấp trên trực tiếp theo cơ cấu tổ chức")
        AUTHORITY = "authority", _("Cơ quan quản lý cán bộ (nếu đơn vị khai báo)")

    class EvaluationPath(models.TextChoices):
        MEETING = "meeting", _("Họp tập thể lãnh đạo của cơ quan đã cho triển khai")
        CONCLUSION = "conclusion", _("Người đứng đầu cơ quan đã cho triển khai kết luận, không họp")

    code = models.CharField(_("mã bộ quy định"), max_length=30, default="ND73_2023")
    version = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên"), max_length=200, default="Nghị định 73/2023/NĐ-CP")
    effective_from = models.DateField(_("áp dụng từ"), default=datetime.date(2023, 9, 29))
    # Art. 8(1) [C]: the collective meets within 7 working days of receiving the plan.
    review_deadline_wd = models.PositiveSmallIntegerField(_("hạn họp xem xét (ngày làm việc)"), default=7)
    # [U] decree73.md §8 superior_review_deadline: placeholder 7 WD until verified.
    superior_review_deadline_wd = models.PositiveSmallIntegerField(
        _("hạn xem xét ở cấp trên (ngày làm việc)"), default=7
    )
    due_soon_wd = models.PositiveSmallIntegerField(_("báo sắp đến hạn trước (ngày làm việc)"), default=2)
    # Art. 8(1) [C]: more than 50 % in favour.
    approval_threshold_percent = models.PositiveSmallIntegerField(_("tỷ lệ tán thành phải trên (%)"), default=50)
    # [I] the denominator is ambiguous in the text; default: eligible voters present (README §3).
    denominator = models.CharField(
        _("mẫu số tính tỷ lệ"), max_length=10, choices=Denominator.choices, default=Denominator.PRESENT
    )
    # [U] no quorum in the text: 0 means none beyond the head chairing.
    quorum_percent = models.PositiveSmallIntegerField(_("tỷ lệ có mặt tối thiểu (%)"), default=0)
    # Art. 8(1) [C]: on a tie the side the head voted on prevails.
    tie_rule = models.CharField(_("khi số phiếu tán thành và không tán thành ngang nhau"), max_length=10, choices=TieRule.choices, default=TieRule.HEAD_SIDE)
    # Art. 8(1) [C]: the head may decide to implement in writing when the collective did not pass it.
    override_allowed = models.BooleanField(_("người đứng đầu được quyết định khi tập thể không thông qua"), default=True)
    # Art. 4(3) [C]: the same-level party committee is consulted before approval.
    consultation_required = models.BooleanField(_("xin ý kiến cấp ủy trước khi phê duyệt"), default=True)
    # Art. 18 [C] (decree73.md T10): the completion report is due 5 working days after finishing.
    completion_report_deadline_wd = models.PositiveSmallIntegerField(
        _("hạn báo cáo kết quả sau khi hoàn thành (ngày làm việc)"), default=5
    )
    # --- After the decision (after-approval.md). Rules the sources leave open are labelled unconfirmed. ---
    # IMP-4 [U]: no decree article sets a progress-report interval: off (0) unless the unit's own rules say.
    progress_report_interval_days = models.PositiveSmallIntegerField(
        _("định kỳ báo cáo tiến độ (ngày; 0 = không yêu cầu)"), default=0,
        help_text=format_lazy("{} {}", UNCONFIRMED, _("Theo quy định của cơ quan, địa phương; Nghị định không quy định kỳ báo cáo.")),
    )
    # IMP-5 [U]: how an adjustment is decided; default the path of the original approval (collective, Art. 8(1)).
    adjustment_path = models.CharField(
        _("quy trình quyết định điều chỉnh"), max_length=10, choices=DecisionPath.choices,
        default=DecisionPath.COLLECTIVE, help_text=UNCONFIRMED,
    )
    # IMP-7 [I]: the head answers upward for an override (Art. 8(1)): the superior hears of each direction.
    notify_superior_of_override = models.BooleanField(
        _("báo cáo cấp trên các chỉ đạo và kết quả của đề xuất do người đứng đầu quyết định"), default=True,
        help_text=UNCONFIRMED,
    )
    # CMP-4 [I]: a stopped proposal reports its results so far within the same period as a completed one.
    stopped_report_deadline_wd = models.PositiveSmallIntegerField(
        _("hạn báo cáo kết quả sau khi dừng thực hiện (ngày làm việc)"), default=5, help_text=UNCONFIRMED,
    )
    # EVL-1, Art. 4(3) [C]: the party committee's opinion comes before the evaluation.
    evaluation_consultation_required = models.BooleanField(_("xin ý kiến cấp ủy trước khi đánh giá"), default=True)
    # EVL-2, Art. 18 [C]: the evaluation meeting within 7 working days of receiving the report.
    evaluation_meeting_deadline_wd = models.PositiveSmallIntegerField(
        _("hạn họp đánh giá kể từ khi nhận báo cáo (ngày làm việc)"), default=7,
    )
    # EVL-2 [U]: how the evaluation meeting decides; default the Art. 8(1) rule of the approval vote.
    evaluation_rule = models.CharField(
        _("cách quyết định tại cuộc họp đánh giá"), max_length=10, choices=DecisionPath.choices,
        default=DecisionPath.COLLECTIVE, help_text=UNCONFIRMED,
    )
    # EVL-3, Art. 18 [P]: "trong thời hạn 03 ngày làm việc" — read as the written conclusion after the meeting.
    evaluation_conclusion_deadline_wd = models.PositiveSmallIntegerField(
        _("hạn ban hành kết luận đánh giá sau cuộc họp (ngày làm việc)"), default=3, help_text=UNCONFIRMED,
    )
    # EVL-6 [U]: route B and stopped proposals; default the route A path at the unit that approved.
    route_b_evaluation = models.CharField(
        _("đánh giá đề xuất của người đứng đầu (trình cấp trên)"), max_length=12, choices=EvaluationPath.choices,
        default=EvaluationPath.MEETING, help_text=UNCONFIRMED,
    )
    stopped_evaluation = models.CharField(
        _("đánh giá đề xuất bị dừng thực hiện"), max_length=12, choices=EvaluationPath.choices,
        default=EvaluationPath.MEETING, help_text=UNCONFIRMED,
    )
    # --- Reminders and reports (spec README §5, decree73.md §8) ---
    # [U] reminders to whoever must act, this many working days before the due date (0 = on the day).
    reminder_offsets_wd = models.JSONField(
        _("nhắc việc trước hạn (ngày làm việc)"), default=default_reminder_offsets,
        help_text=format_lazy("{} {}", UNCONFIRMED, _("Danh sách số ngày làm việc trước hạn, ví dụ [2, 0] (0 = đúng ngày).")),
    )
    # [U] escalation of an overdue step to the superior head and the secretariat: the unit's choice, not the decree's.
    escalate_overdue = models.BooleanField(
        _("báo người đứng đầu cấp trên và cơ quan tham mưu khi quá hạn"), default=True,
        help_text=format_lazy("{} {}", UNCONFIRMED, _("Quy định của cơ quan, không phải của Nghị định.")),
    )
    # D-14 [I]: no article sets the time between the collective's vote and the head's written decision.
    decision_deadline_wd = models.PositiveSmallIntegerField(
        _("hạn ban hành văn bản sau khi tập thể biểu quyết (ngày làm việc)"), default=5, help_text=UNCONFIRMED,
    )
    # reports.md: Decree 09/2019 cut-off (15/12 → 14/12) for reports sent upward; calendar year otherwise.
    annual_report_period = models.CharField(
        _("kỳ báo cáo năm"), max_length=10, choices=ReportPeriod.choices, default=ReportPeriod.CALENDAR,
    )
    # Art. 2 [C]: the three categories of "cán bộ" who may propose.
    eligible_categories = models.JSONField(
        _("đối tượng được quyền đề xuất (Điều 2)"),
        default=default_eligible_categories,
        help_text=_("Danh sách mã đối tượng: state_leader, public_service_manager, enterprise."),
    )
    # Art. 5(1) [I conjunctive]: all four conditions must be declared.
    art5_all_required = models.BooleanField(_("phải đáp ứng đủ 4 điều kiện Điều 5 khoản 1"), default=True)
    # --- The review of November 2026 (review-register-decide.md) ---
    # D-10: every version says on what legal basis it stands; a value the decree fixes changed needs a confirmation.
    legal_basis = models.TextField(
        _("căn cứ pháp lý của phiên bản"), blank=True,
        help_text=_("Văn bản, điều khoản làm căn cứ cho các giá trị của phiên bản này."),
    )
    deviation_confirmed = models.BooleanField(
        _("xác nhận áp dụng giá trị khác với Nghị định 73"), default=False,
        help_text=_("Bắt buộc khi quy tắc ngang phiếu, tỷ lệ tán thành, quyền quyết định của người đứng đầu hoặc việc "
                    "xin ý kiến cấp ủy khác với Nghị định."),
    )
    # D-3: the legal bases the documents print come from here, so a deployment corrects them without code.
    document_basis = models.TextField(
        _("căn cứ pháp lý in trên văn bản"),
        default="Căn cứ Nghị định số 73/2023/NĐ-CP ngày 29 tháng 9 năm 2023 của Chính phủ quy định về khuyến "
                "khích, bảo vệ cán bộ năng động, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm vì lợi ích chung;",
        help_text=_("Mỗi dòng một căn cứ, in sau căn cứ thẩm quyền của cơ quan."),
    )
    route_a_citation = models.CharField(
        _("điều khoản áp dụng cho đề xuất trình người đứng đầu (tuyến A)"), max_length=200,
        default="khoản 3 Điều 7 và khoản 1 Điều 8",
    )
    route_b_citation = models.CharField(
        _("điều khoản áp dụng cho đề xuất của người đứng đầu (tuyến B)"), max_length=200,
        default="khoản 4 Điều 7 và Điều 8", help_text=UNCONFIRMED,
    )
    # D-11 [I]: Art. 7(2) asks for the time and the expected results, not a field, milestones or indicators.
    require_field = models.BooleanField(_("bắt buộc chọn lĩnh vực khi nộp"), default=False, help_text=UNCONFIRMED)
    require_milestones = models.BooleanField(_("bắt buộc ghi các mốc thực hiện khi nộp"), default=False, help_text=UNCONFIRMED)
    require_indicators = models.BooleanField(_("bắt buộc ghi chỉ tiêu đo lường khi nộp"), default=False, help_text=UNCONFIRMED)
    # D-12 [I]: Art. 8(1) does not ask a reason of a vote against; a unit may.
    against_reason_required = models.BooleanField(
        _("bắt buộc nêu lý do khi không tán thành"), default=False, help_text=UNCONFIRMED,
    )
    # D-13, Art. 4(3) [C]: the party committee's opinion comes before approving; a unit may ask it before meeting.
    consultation_before = models.CharField(
        _("thời điểm phải có ý kiến cấp ủy"), max_length=10, choices=ConsultationTiming.choices,
        default=ConsultationTiming.DECISION,
    )
    # D-7 [I]: votes are the meeting's: cast on its date, or within this many days after it.
    vote_window_days = models.PositiveSmallIntegerField(
        _("số ngày sau ngày họp còn được ghi nhận biểu quyết"), default=0, help_text=UNCONFIRMED,
    )
    # D-16 [local]: route by the cadre-management authority (HCMC) instead of the unit tree.
    routing = models.CharField(
        _("cơ quan xem xét đề xuất của người đứng đầu"), max_length=12, choices=Routing.choices, default=Routing.UNIT_TREE,
        help_text=UNCONFIRMED,
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bộ quy định áp dụng")
        verbose_name_plural = _("bộ quy định áp dụng")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="legalprofile_code_version_unique"),
            models.CheckConstraint(
                name="legalprofile_threshold_range", condition=Q(approval_threshold_percent__gte=1, approval_threshold_percent__lte=99)
            ),
            models.CheckConstraint(name="legalprofile_quorum_range", condition=Q(quorum_percent__lte=100)),
            models.CheckConstraint(
                name="legalprofile_consultation_before_valid", condition=Q(consultation_before__in=["decision", "meeting"]),
            ),
            models.CheckConstraint(name="legalprofile_routing_valid", condition=Q(routing__in=["unit_tree", "authority"])),
        ]
        # A version is never changed or removed (a change is the next version): proposals decided under it
        # must keep being judged by the rules it held, whatever code or SQL runs later.
        triggers = [pgtrigger.Protect(name="legalprofile_frozen", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def clean(self):
        # Art. 2: a version with no eligible category would let nobody propose at all.
        super().clean()
        if not isinstance(self.eligible_categories, list) or not self.eligible_categories:
            raise ValidationError({"eligible_categories": NO_ELIGIBLE_CATEGORY}, code="required")
        offsets = self.reminder_offsets_wd
        if not isinstance(offsets, list) or not all(isinstance(n, int) and 0 <= n <= 30 for n in offsets):
            raise ValidationError(
                {"reminder_offsets_wd": _("Nhập danh sách số ngày làm việc từ 0 đến 30, ví dụ [2, 0].")}, code="invalid",
            )


class FieldOfWork(models.TextChoices):
    ADMIN_REFORM = "admin_reform", _("Cải cách hành chính")
    DIGITAL = "digital", _("Chuyển đổi số")
    ECONOMY = "economy", _("Kinh tế, đầu tư")
    FINANCE = "finance", _("Tài chính, ngân sách")
    LAND = "land", _("Đất đai, xây dựng, đô thị")
    SOCIAL = "social", _("Văn hóa, xã hội, y tế, giáo dục")
    ORGANISATION = "organisation", _("Tổ chức bộ máy, cán bộ")
    SCIENCE = "science", _("Khoa học, công nghệ, đổi mới sáng tạo")
    OTHER = "other", _("Lĩnh vực khác")


class PlanContent(models.Model):
    """The Art. 7(2) contents of a plan (decree73.md §4.1) and the Art. 5(1) declared checklist (§1.6)."""

    title = models.CharField(_("tên đề xuất"), max_length=300)
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=FieldOfWork.choices, blank=True)
    necessity = models.TextField(_("sự cần thiết, mục đích, yêu cầu"), blank=True)
    bottleneck = models.TextField(_("điểm nghẽn, vướng mắc về cơ chế, chính sách cần tháo gỡ"), blank=True)
    legal_references = models.TextField(_("văn bản pháp luật liên quan"), blank=True)
    content_solutions = models.TextField(_("nội dung, nhiệm vụ, giải pháp đổi mới, sáng tạo"), blank=True)
    scope = models.TextField(_("phạm vi thực hiện"), blank=True)
    implementers_targets = models.TextField(_("chủ thể thực hiện, đối tượng tác động"), blank=True)
    start_date = models.DateField(_("thời gian bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("thời gian kết thúc"), null=True, blank=True)
    milestones = models.TextField(_("các mốc thực hiện"), blank=True)
    resources = models.TextField(_("nguồn lực bảo đảm (kinh phí, nhân lực, cơ sở vật chất)"), blank=True)
    feasibility = models.TextField(_("tính khả thi"), blank=True)
    impact = models.TextField(_("đánh giá tác động tích cực, tiêu cực (nếu có)"), blank=True)
    expected_results = models.TextField(_("hiệu quả dự kiến"), blank=True)
    indicators = models.TextField(_("chỉ tiêu đo lường kết quả"), blank=True)
    cond_a_bottleneck = models.BooleanField(
        _("(a) Tháo gỡ điểm nghẽn về cơ chế, chính sách chưa được quy định, giải quyết hiệu quả vấn đề đặt ra"), default=False
    )
    cond_b_common_good = models.BooleanField(
        _("(b) Vì lợi ích chung, mang lại giá trị, hiệu quả thiết thực, tạo sự chuyển biến, đóng góp tích cực vào sự "
          "phát triển chung của đất nước, địa phương, cơ quan, đơn vị"), default=False
    )
    cond_c_urgent_no_harm = models.BooleanField(
        _("(c) Xuất phát từ yêu cầu cấp thiết của thực tiễn; không gây phương hại đến quốc phòng, an ninh, trật tự, an "
          "toàn xã hội và không cản trở sự phát triển của địa phương, cơ quan, đơn vị khác"), default=False
    )
    cond_d_reform = models.BooleanField(
        _("(d) Thúc đẩy phân cấp, phân quyền, cải cách thủ tục hành chính hoặc ứng dụng công nghệ thông tin"), default=False
    )
    # Art. 1 [C] (D-2): a plan whose result is issuing a legal normative document on a pilot basis follows the
    # Law on Promulgation of Legal Documents and the Government's Working Regulation, not this procedure. None:
    # not answered yet (the question is required to submit).
    pilot_legal_document = models.BooleanField(
        _("Kết quả của đề xuất là ban hành văn bản quy phạm pháp luật theo hình thức thí điểm"), null=True, blank=True,
    )
    # Art. 4(2) [C] (D-5): the proposer declares that the proposal is within the employing unit's authority and
    # does not contravene Party rules or higher law; the approval or override decision confirms it.
    competence_declared = models.BooleanField(
        _("Đề xuất thuộc thẩm quyền quyết định của cơ quan, đơn vị; không trái quy định của Đảng, pháp luật, văn "
          "bản của cơ quan nhà nước cấp trên và điều ước quốc tế mà Việt Nam là thành viên"), default=False,
    )
    # Art. 8(2) [P] (D-15): a proposal of wide scope or complex content, flagged for the unit's own path.
    wide_scope = models.BooleanField(_("Đề xuất có phạm vi rộng, nội dung phức tạp (khoản 2 Điều 8)"), default=False)

    # Fields copied into a frozen version and compared between versions, in display order.
    CONTENT_FIELDS = (
        "title", "field", "necessity", "bottleneck", "legal_references", "content_solutions", "scope",
        "implementers_targets", "start_date", "end_date", "milestones", "resources", "feasibility", "impact",
        "expected_results", "indicators", "cond_a_bottleneck", "cond_b_common_good", "cond_c_urgent_no_harm",
        "cond_d_reform", "pilot_legal_document", "competence_declared", "wide_scope",
    )
    # Art. 7(2) (decree73.md §4.1): required before submission. "impact" is "if any"; the list of legal
    # documents is recorded when there is one (the bottleneck itself is required). Field, milestones and
    # indicators only when the profile asks (D-11, proposals.services.REQUIRED_BY_PROFILE).
    REQUIRED_TEXT_FIELDS = (
        "title", "field", "necessity", "bottleneck", "content_solutions", "scope", "implementers_targets",
        "milestones", "resources", "feasibility", "expected_results", "indicators",
    )
    ART5_FIELDS = ("cond_a_bottleneck", "cond_b_common_good", "cond_c_urgent_no_harm", "cond_d_reform")

    class Meta:
        abstract = True

    def content_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user, held=None):
        """What `user` may see (proposals.scope); `held`: their positions today, when the caller has them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(proposal_scope_q(user, held))


class Proposal(PlanContent):
    """A proposal: its working copy of the plan (edited while a draft) and where it stands."""

    class Route(models.TextChoices):
        A = "A", _("Trình người đứng đầu cơ quan sử dụng cán bộ")
        B = "B", _("Trình người đứng đầu cơ quan sử dụng cán bộ cấp trên (người đề xuất là người đứng đầu)")

    Status = Status

    code = models.CharField(_("mã hồ sơ"), max_length=30, unique=True, null=True, blank=True)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ đề xuất"), on_delete=models.PROTECT, related_name="proposals"
    )
    proposer_position = models.ForeignKey(
        Position, verbose_name=_("chức vụ khi đề xuất"), on_delete=models.PROTECT, related_name="+"
    )
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("đồng tác giả"), blank=True, related_name="coauthored_proposals"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("cơ quan sử dụng cán bộ"), on_delete=models.PROTECT, related_name="proposals"
    )
    decision_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("cơ quan xem xét, quyết định"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="proposals_to_decide",
    )
    route = models.CharField(_("tuyến trình"), max_length=1, choices=Route.choices, blank=True)
    status = models.CharField(_("trạng thái"), max_length=30, choices=Status.choices, default=Status.DRAFT)
    profile = models.ForeignKey(
        LegalProfile, verbose_name=_("bộ quy định áp dụng"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="proposals",
    )
    current_version = models.PositiveIntegerField(_("phiên bản hiện hành"), default=0)
    received_on = models.DateField(_("ngày nhận kế hoạch"), null=True, blank=True)
    review_due = models.DateField(_("hạn họp xem xét"), null=True, blank=True)
    approved_version = models.PositiveIntegerField(_("phiên bản được phê duyệt"), null=True, blank=True)
    # D-8: how many times the plan was returned before a decision, shown on the proposal and in the reports.
    returns_count = models.PositiveSmallIntegerField(_("số lần trả lại để bổ sung, làm rõ"), default=0)
    # Lower-case, accent-free copy of the searchable text: "cai cach" finds "cải cách" on every database.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề xuất đổi mới, sáng tạo")
        verbose_name_plural = _("đề xuất đổi mới, sáng tạo")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="proposal_status_valid", condition=Q(status__in=Status.values)),
            models.CheckConstraint(
                name="proposal_plan_dates", condition=Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=models.F("start_date"))
            ),
            models.CheckConstraint(
                name="proposal_submitted_has_routing",
                condition=Q(status="draft") | Q(decision_unit__isnull=False, profile__isnull=False, received_on__isnull=False, review_due__isnull=False),
            ),
        ]
        indexes = [
            # Lists filtered by unit subtree/status and sorted by newest (proposal list, inbox).
            models.Index(fields=["unit", "status"], name="proposal_unit_status_idx"),
            # The deciding unit's inbox sections: a status of the unit's proposals, the oldest first (core.paging keys
            # created_at, pk), read ten rows at a time from the index rather than all of the status's rows sorted.
            models.Index(fields=["decision_unit", "status", "created_at", "id"], name="proposal_decider_oldest_idx"),
            # The proposals awaiting the deciding unit's decision, the earliest review deadline first (approvals.inbox):
            # their four statuses in one index, so the section's first page is read in order and nothing is sorted.
            models.Index(
                F("decision_unit"), Coalesce("review_due", Value(NO_DUE_DATE)), F("created_at"), F("id"),
                condition=Q(status__in=sorted(AWAITING_DECISION)), name="proposal_to_decide_idx",
            ),
            # "Overdue only" and the inbox's due-date ordering.
            models.Index(fields=["status", "review_due"], name="proposal_status_due_idx"),
            models.Index(fields=["proposer", "status"], name="proposal_proposer_idx"),
            models.Index(fields=["received_on"], name="proposal_received_idx"),
            # The list's orders and filters, seeked by keyset (issue 10; proposals.selectors.sort_keys): the newest
            # first, alone or within one status or field; the "due" order (NULL dates last). The Vietnamese title
            # order and the trigram search index are PostgreSQL's own (migration 0009).
            # The newest first, with the columns every reader's scope compares (proposals.scope): a page's keys are
            # found from the index alone, however few of the rows the reader may see (core.paging).
            models.Index(
                F("created_at").desc(), F("id").desc(), name="proposal_newest_scope_idx",
                include=["proposer", "unit", "decision_unit", "status", "current_version"],
            ),
            models.Index(F("status"), F("created_at").desc(), F("id").desc(), name="proposal_status_newest_idx"),
            models.Index(F("field"), F("created_at").desc(), F("id").desc(), name="proposal_field_newest_idx"),
            models.Index(
                Coalesce("review_due", Value(NO_DUE_DATE)), F("created_at").desc(), F("id").desc(), name="proposal_due_idx",
            ),
        ]
        triggers = [
            # The database refuses an illegal status change, whatever code issues it (style.md §4).
            pgtrigger.FSM(
                name="proposal_status_fsm",
                field="status",
                transitions=DB_TRANSITIONS,
                condition=pgtrigger.AnyChange("status"),
            ),
            # ... and a proposal born in a later status, which would skip the table altogether (no version
            # frozen, no receipt recorded, no audit event): every proposal starts as a draft.
            pgtrigger.Protect(
                name="proposal_insert_as_draft",
                operation=pgtrigger.Insert,
                condition=~pgtrigger.Q(new__status=Status.DRAFT.value),
            ),
        ]

    def __str__(self):
        return self.title or str(self.pk)

    def save(self, *args, **kwargs):
        from core.text import fold

        self.search_text = fold(" ".join(filter(None, [self.code or "", self.title, self.bottleneck, self.content_solutions])))
        super().save(*args, **kwargs)

    def get_status_display(self) -> str:
        """The status's label from the enum: Django's own rebuilds a dict of every choice on each call, hashing each
        lazy label (a translation lookup each), ~60 µs a row of the inbox and the list (issue 10)."""
        return str(Status(self.status).label)

    def clean(self):
        # The same rule as the `proposal_plan_dates` constraint, named on the field for `full_clean`.
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": END_BEFORE_START})


class PlanVersion(PlanContent):
    """A frozen copy of the plan as submitted (version 1, 2, …): never edited after creation."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    submitted_at = models.DateTimeField(_("nộp lúc"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("phiên bản kế hoạch")
        verbose_name_plural = _("phiên bản kế hoạch")
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="planversion_unique_number"),
        ]
        triggers = [pgtrigger.Protect(name="planversion_frozen", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.proposal_id} v{self.number}"


def attachment_path(instance, filename):
    # Generated name, never the user's: no path tricks, no collisions, nothing guessable.
    return f"attachments/{instance.proposal_id}/{instance.storage_token}"


def plan_pdf_path(instance: "PlanDocument", filename: str) -> str:
    return f"plans/{instance.version.submitted_at:%Y}/{uuid.uuid4().hex}.pdf"


class PlanDocument(models.Model):
    """The plan version as a document (D-9, documents.md): rendered once for its submission, on the documents queue
    (proposals.documents), in the Decree 30 layout and kept with its SHA-256; empty until then. A row of its own
    because a plan version is never updated (planversion_frozen)."""

    version = models.OneToOneField(PlanVersion, verbose_name=_("phiên bản kế hoạch"), on_delete=models.PROTECT, related_name="document")
    pdf = models.FileField(_("kế hoạch (PDF)"), upload_to=plan_pdf_path, max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("mã SHA-256 của kế hoạch"), max_length=64, blank=True, editable=False)
    issued_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản kế hoạch")
        verbose_name_plural = _("văn bản kế hoạch")

    def __str__(self):
        return str(self.version)


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="attachments")
    # The version it was submitted with (None while it belongs to the draft being edited).
    version = models.PositiveIntegerField(_("thuộc phiên bản"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=255)
    storage_token = models.CharField(max_length=64, unique=True)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("mô tả"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    removed_at = models.DateTimeField(_("gỡ bỏ lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at"]
        indexes = [models.Index(fields=["proposal", "version"], name="attachment_proposal_idx")]

    def __str__(self):
        return self.original_name


class StepQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class Step(models.Model):
    """An open step of a proposal after its decision and the day it is due (spec README §4): the report due
    after completion, the evaluation meeting, the written conclusion, a periodic progress report.

    Stage apps open and close steps through `proposals.steps`; the due date is stored and indexed so that
    the lists' badges and the reminders read only the rows that are due, never every proposal. `kind` is the
    stage's own name of the step; `unit` and `person` say who must act (a person: an implementer).
    """

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("loại việc"), max_length=40)
    label = models.CharField(_("việc cần làm"), max_length=200)
    due_on = models.DateField(_("hạn"))
    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan thực hiện"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)
    closed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("việc theo hạn")
        verbose_name_plural = _("việc theo hạn")
        constraints = [
            # One open step of a kind per proposal: a double click or two workers never open two.
            models.UniqueConstraint(
                fields=["proposal", "kind"], condition=Q(closed_at__isnull=True), name="step_one_open_per_kind",
            ),
        ]
        indexes = [
            # The daily deadline scan and the inbox: open steps by due date.
            models.Index(fields=["due_on"], condition=Q(closed_at__isnull=True), name="step_open_due_idx"),
            # A person's or a unit's open steps (inbox sections).
            models.Index(fields=["person", "due_on"], condition=Q(closed_at__isnull=True), name="step_open_person_idx"),
            models.Index(fields=["unit", "due_on"], condition=Q(closed_at__isnull=True), name="step_open_unit_idx"),
        ]

    def __str__(self):
        return f"{self.label} ({self.due_on:%d/%m/%Y})"
