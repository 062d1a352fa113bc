"""What the employing unit and the implementers record after the decision: resources, implementers, the run of
implementation with its milestones and indicators, progress, and the completion report.

Spec: after-approval.md IMP-1 (resources, Art. 10(2)), IMP-2 (implementers, Art. 6(4)), IMP-3 (targets and
progress), IMP-4 (progress reports, a setting), CMP-1..4 (completion report, Art. 18); decree73.md §3.2 T8,
T10, §4.4 (report contents); documents.md (the "BÁO CÁO" and its BC register).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from approvals.models import Decision
from proposals.models import Proposal


# Files kept in the private document store (DOCUMENT_STORE), never served publicly: only the scope-checked views read them. Random
# names: a file name reveals nothing and never clashes.
def evidence_path(instance, filename: str) -> str:
    return f"implementation/evidence/{instance.proposal_id}/{uuid.uuid4().hex}"


def report_pdf_path(instance: "CompletionReport", filename: str) -> str:
    return f"implementation/reports/{instance.register_year}/{uuid.uuid4().hex}.pdf"


class Resource(models.Model):
    """A resource the employing unit allocates to carry out an approved proposal (Art. 10(2), IMP-1)."""

    class Kind(models.TextChoices):
        EQUIPMENT = "equipment", _("Trang thiết bị")
        FACILITIES = "facilities", _("Cơ sở vật chất, điều kiện làm việc")
        PEOPLE = "people", _("Nhân lực")
        FUNDS = "funds", _("Kinh phí")

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="allocated_resources")
    # The approval (or override) decision the allocation carries out: its number is printed next to the resource.
    decision = models.ForeignKey(
        Decision, verbose_name=_("theo quyết định"), on_delete=models.PROTECT, related_name="+",
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan bố trí"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại nguồn lực"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("nội dung"))
    # VND, whole đồng; funds only.
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    budget_source = models.CharField(_("nguồn kinh phí"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("nguồn lực bố trí")
        verbose_name_plural = _("nguồn lực bố trí")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="resource_kind_valid", condition=Q(kind__in=["equipment", "facilities", "people", "funds"]),
            ),
            models.CheckConstraint(name="resource_description_required", condition=~Q(description="")),
            # Funds carry an amount and its budget source; nothing else carries an amount.
            models.CheckConstraint(
                name="resource_funds_have_amount_and_source",
                condition=(Q(kind="funds", amount__isnull=False) & ~Q(budget_source=""))
                | (~Q(kind="funds") & Q(amount__isnull=True)),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.description[:60]}"


class Assignment(models.Model):
    """An implementer of a proposal (Art. 6(4), IMP-2): a cadre, another individual or an organisation.

    A cadre answers the assignment themselves; the secretariat records the answer of an individual or an
    organisation outside the system. Refusing an assigned task is a prohibited act (Art. 6(4)): the refusal is
    kept with its reason, and the page offers to report it as an incident.
    """

    class Kind(models.TextChoices):
        CADRE = "cadre", _("Cán bộ, công chức, viên chức")
        PERSON = "person", _("Cá nhân khác")
        ORGANISATION = "organisation", _("Tổ chức")

    class Answer(models.TextChoices):
        PENDING = "pending", _("Chờ xác nhận")
        ACCEPTED = "accepted", _("Đã nhận nhiệm vụ")
        REFUSED = "refused", _("Từ chối nhận nhiệm vụ")

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(_("loại người thực hiện"), max_length=12, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="implementation_assignments",
    )
    # An individual's or an organisation's name; for a cadre, the name is the user's.
    name = models.CharField(_("tên cá nhân, tổ chức"), max_length=255, blank=True)
    contact_person = models.CharField(_("người liên hệ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    task = models.TextField(_("nhiệm vụ được giao"), blank=True)
    is_lead = models.BooleanField(_("chủ trì"), default=False)
    answer = models.CharField(_("trả lời"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    # The cadre themselves, or the secretariat recording an outside implementer's answer.
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("phân công lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("người thực hiện")
        verbose_name_plural = _("người thực hiện")
        ordering = ["-is_lead", "assigned_at", "pk"]
        constraints = [
            # One assignment per cadre per proposal, whatever the number of clicks.
            models.UniqueConstraint(
                fields=["proposal", "person"], condition=Q(person__isnull=False), name="assignment_one_per_cadre",
            ),
            # One lead (chủ trì) at a time; a lead who refused may be replaced.
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(is_lead=True) & ~Q(answer="refused"), name="assignment_one_lead",
            ),
            models.CheckConstraint(name="assignment_kind_valid", condition=Q(kind__in=["cadre", "person", "organisation"])),
            models.CheckConstraint(name="assignment_answer_valid", condition=Q(answer__in=["pending", "accepted", "refused"])),
            # A cadre is a user; anyone else has a name and a phone or e-mail, an organisation a contact person too.
            models.CheckConstraint(
                name="assignment_who",
                condition=(Q(kind="cadre", person__isnull=False))
                | (Q(kind="person", person__isnull=True) & ~Q(name="") & (~Q(phone="") | ~Q(email="")))
                | (Q(kind="organisation", person__isnull=True) & ~Q(name="") & ~Q(contact_person="")
                   & (~Q(phone="") | ~Q(email=""))),
            ),
            models.CheckConstraint(
                name="assignment_refusal_has_reason", condition=~Q(answer="refused") | ~Q(refusal_reason=""),
            ),
            models.CheckConstraint(
                name="assignment_answer_dated", condition=Q(answer="pending") | Q(answered_at__isnull=False),
            ),
        ]
        indexes = [
            # The implementer's inbox: a person's assignments.
            models.Index(fields=["person", "answer"], name="assignment_person_idx"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.CADRE and self.person_id:
            return self.person.get_full_name()
        return self.name

    @property
    def is_outside(self) -> bool:
        """An individual or organisation without an account: the secretariat acts on their behalf."""
        return self.kind != self.Kind.CADRE


class Implementation(models.Model):
    """The run of one proposal's implementation: when it started and the completion date declared (CMP-3)."""

    proposal = models.OneToOneField(
        Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="implementation",
    )
    started_on = models.DateField(_("ngày bắt đầu triển khai"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # CMP-3 [U] default: the actual completion date, declared by the lead implementer or the head.
    completed_on = models.DateField(_("ngày hoàn thành thực hiện"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    completion_note = models.TextField(_("ghi chú khi xác nhận hoàn thành"), blank=True)

    class Meta:
        verbose_name = _("quá trình triển khai")
        verbose_name_plural = _("quá trình triển khai")
        constraints = [
            models.CheckConstraint(
                name="implementation_completed_after_start",
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("started_on")),
            ),
        ]

    def __str__(self):
        return f"{self.proposal} — {self.started_on:%d/%m/%Y}"


# Milestones, then indicators, each in the order of the plan's lines ("milestone" sorts after "indicator").
PLAN_ORDER = ("-kind", "position", "pk")


class Target(models.Model):
    """A milestone or an indicator of the approved version in force, one per non-empty line of the plan (IMP-3).

    `retired_at`: a later adjustment dropped it (its progress stays on record). `status` and `value` are the
    latest progress recorded (`ProgressEntry` keeps every entry).
    """

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Mốc thực hiện")
        INDICATOR = "indicator", _("Chỉ tiêu")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Đã hoàn thành")
        BEHIND = "behind", _("Chậm so với kế hoạch")

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="targets")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("nội dung"))
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    version = models.PositiveIntegerField(_("theo kế hoạch phiên bản"))
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    value = models.CharField(_("giá trị đạt được"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("không còn áp dụng từ"), null=True, blank=True)

    class Meta:
        verbose_name = _("mốc, chỉ tiêu thực hiện")
        verbose_name_plural = _("mốc, chỉ tiêu thực hiện")
        ordering = PLAN_ORDER
        constraints = [
            models.CheckConstraint(name="target_kind_valid", condition=Q(kind__in=["milestone", "indicator"])),
            models.CheckConstraint(
                name="target_status_valid", condition=Q(status__in=["not_started", "in_progress", "done", "behind"]),
            ),
        ]
        indexes = [models.Index(fields=["proposal", "kind", "position"], name="target_proposal_idx")]

    def __str__(self):
        return self.text


class ProgressEntry(models.Model):
    """Progress recorded on one target by an implementer, with an optional evidence file (IMP-3)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Target, verbose_name=_("mốc, chỉ tiêu"), on_delete=models.PROTECT, related_name="entries")
    status = models.CharField(_("tình trạng"), max_length=12, choices=Target.Status.choices)
    value = models.CharField(_("giá trị đạt được"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    evidence = models.FileField(_("tệp minh chứng"), upload_to=evidence_path, max_length=255, blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_sha256 = models.CharField(_("mã SHA-256 của tệp minh chứng"), max_length=64, blank=True, editable=False)
    evidence_content_type = models.CharField(max_length=100, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tiến độ thực hiện")
        verbose_name_plural = _("tiến độ thực hiện")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="progress_status_valid", condition=Q(status__in=["not_started", "in_progress", "done", "behind"]),
            ),
        ]

    def __str__(self):
        return f"{self.target} — {self.get_status_display()}"


class CompletionReport(models.Model):
    """BÁO CÁO Kết quả thực hiện đề xuất đổi mới, sáng tạo (Art. 18, CMP-1..4; decree73.md §4.4).

    Exactly one per proposal. Filed by the lead implementer, or by the secretariat on behalf of an outside
    individual or organisation; addressed to both the employing unit and its head; numbered in the BC register
    of the proposal's unit; rendered once and kept with its SHA-256.
    """

    class Basis(models.TextChoices):
        COMPLETED = "completed", _("Hoàn thành thực hiện")
        STOPPED = "stopped", _("Dừng thực hiện (kết quả đến thời điểm dừng)")

    class Overall(models.TextChoices):
        COMPLETED = "completed", _("Hoàn thành")
        PARTLY = "partly", _("Hoàn thành một phần")
        NOT_COMPLETED = "not_completed", _("Không hoàn thành")

    REGISTER = "BC"

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="completion_reports")
    basis = models.CharField(_("báo cáo khi"), max_length=10, choices=Basis.choices)
    version = models.PositiveIntegerField(_("theo kế hoạch phiên bản"))
    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị vào sổ"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số báo cáo"), max_length=60)
    register_year = models.PositiveSmallIntegerField()
    register_seq = models.PositiveIntegerField()
    reported_on = models.DateField(_("ngày báo cáo"))
    implementer = models.ForeignKey(
        Assignment, verbose_name=_("người thực hiện báo cáo"), on_delete=models.PROTECT, related_name="+",
    )
    signer_name = models.CharField(_("người ký báo cáo"), max_length=255)
    signer_title = models.CharField(_("chức danh, vai trò"), max_length=255, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(_("cơ quan tham mưu ghi nhận thay"), default=False)
    addressed_to = models.JSONField(_("kính gửi"), default=list)
    attested = models.BooleanField(_("cam đoan đầy đủ, trung thực"), default=False)
    overall = models.CharField(_("tự đánh giá chung"), max_length=14, choices=Overall.choices)
    results_summary = models.TextField(_("kết quả so với mục tiêu, hiệu quả dự kiến"))
    resources_used = models.TextField(_("nguồn lực đã sử dụng so với nguồn lực được bố trí"))
    funds_used = models.PositiveBigIntegerField(_("kinh phí đã sử dụng (đồng)"), null=True, blank=True)
    damage = models.BooleanField(_("có thiệt hại"), default=False)
    damage_description = models.TextField(_("mô tả thiệt hại"), blank=True)
    damage_amount = models.PositiveBigIntegerField(_("giá trị thiệt hại ước tính (đồng)"), null=True, blank=True)
    causes = models.TextField(_("nguyên nhân"))
    pdf = models.FileField(_("báo cáo (PDF)"), upload_to=report_pdf_path, max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("mã SHA-256 của báo cáo"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo kết quả thực hiện")
        verbose_name_plural = _("báo cáo kết quả thực hiện")
        ordering = ["created_at"]
        constraints = [
            # Exactly one report per proposal: a double click never files two.
            models.UniqueConstraint(fields=["proposal"], name="completion_report_one_per_proposal"),
            models.UniqueConstraint(
                fields=["unit", "register_year", "register_seq"], name="completion_report_number_unique",
            ),
            models.CheckConstraint(name="completion_report_attested", condition=Q(attested=True)),
            models.CheckConstraint(name="completion_report_basis_valid", condition=Q(basis__in=["completed", "stopped"])),
            models.CheckConstraint(
                name="completion_report_overall_valid", condition=Q(overall__in=["completed", "partly", "not_completed"]),
            ),
            # Damage declared: described and valued (CMP-2); none declared: neither.
            models.CheckConstraint(
                name="completion_report_damage_described",
                condition=(Q(damage=True, damage_amount__isnull=False) & ~Q(damage_description=""))
                | Q(damage=False, damage_amount__isnull=True, damage_description=""),
            ),
        ]

    def __str__(self):
        return f"{self.number} — {self.proposal}"


class ReportResult(models.Model):
    """The result against one milestone or indicator of the version in force, as the report states it."""

    class Outcome(models.TextChoices):
        MET = "met", _("Đạt")
        PARTLY = "partly", _("Đạt một phần")
        NOT_MET = "not_met", _("Không đạt")

    report = models.ForeignKey(CompletionReport, on_delete=models.PROTECT, related_name="results")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="+")
    # The target as it read when reported: the report stays what it was, whatever happens to the target later.
    kind = models.CharField(max_length=10, choices=Target.Kind.choices)
    text = models.TextField()
    position = models.PositiveSmallIntegerField()
    outcome = models.CharField(_("mức độ đạt"), max_length=8, choices=Outcome.choices)
    result = models.TextField(_("kết quả"))

    class Meta:
        ordering = PLAN_ORDER
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="report_result_one_per_target"),
            models.CheckConstraint(name="report_result_outcome_valid", condition=Q(outcome__in=["met", "partly", "not_met"])),
        ]

    def __str__(self):
        return f"{self.text} — {self.get_outcome_display()}"


class ReportEvidence(models.Model):
    """An evidence file filed with the completion report (CMP-2)."""

    report = models.ForeignKey(CompletionReport, on_delete=models.PROTECT, related_name="evidence")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=evidence_path, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name
