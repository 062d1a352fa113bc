"""Annual review reports (spec reports.md) and internal quarterly reports.

An `AnnualReport` is one unit's report for one year and period kind: the narrative parts of the outline I–VI
its staff write in the browser, and the document's particulars (recipients, and once sent its number and
signer). Each production is a `ReportRun`, a version: the figures, the narrative as it was, and the files
(XLSX, PDF, CSV) with their SHA-256. Sending the report upward freezes it: no more edits or runs; the last
version is the one sent, earlier versions stay.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from proposals.models import LegalProfile

# The outline (reports.md "Annual review report — outline"): section, field, heading. Section II's figures are
# computed; its text introduces them.
OUTLINE = (
    ("I", "leadership", _("Công tác lãnh đạo, chỉ đạo, tuyên truyền, phổ biến, quán triệt Nghị định số 73/2023/NĐ-CP")),
    ("II", "results", _("Kết quả thực hiện: khối lượng và chất lượng các chỉ tiêu, nhiệm vụ đã làm được")),
    ("III", "assessment", _("Đánh giá chung: mặt được; mặt hạn chế, tồn tại và nguyên nhân")),
    ("IV", "lessons", _("Bài học kinh nghiệm")),
    ("V", "measures", _("Biện pháp chấn chỉnh, khắc phục; phương hướng, nhiệm vụ kỳ tới")),
    ("VI", "recommendations", _(
        "Đề xuất, kiến nghị: cơ chế, chính sách cần tháo gỡ; mô hình hiệu quả đề nghị nhân rộng, thể chế hóa"
    )),
)
NARRATIVE_FIELDS = tuple(field for _section, field, _heading in OUTLINE)


def run_file_path(instance, filename: str) -> str:
    return f"reports/{instance.report.unit_id}/{instance.report_id}/v{instance.version}/{filename}"


class AnnualReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SENT = "sent", _("Đã gửi cấp trên (không sửa được)")

    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan, đơn vị báo cáo"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    period_kind = models.CharField(_("kỳ báo cáo"), max_length=10, choices=LegalProfile.ReportPeriod.choices)
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.DRAFT)
    leadership = models.TextField(_("I. Lãnh đạo, chỉ đạo"), blank=True)
    results = models.TextField(_("II. Kết quả thực hiện"), blank=True)
    assessment = models.TextField(_("III. Đánh giá chung"), blank=True)
    lessons = models.TextField(_("IV. Bài học kinh nghiệm"), blank=True)
    measures = models.TextField(_("V. Biện pháp, phương hướng"), blank=True)
    recommendations = models.TextField(_("VI. Đề xuất, kiến nghị"), blank=True)
    recipients = models.TextField(
        _("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận; \"Lưu: VT\" được thêm tự động."),
    )
    number = models.CharField(_("số báo cáo"), max_length=60, blank=True)
    register_year = models.PositiveSmallIntegerField(null=True, blank=True)
    register_seq = models.PositiveIntegerField(null=True, blank=True)
    issued_on = models.DateField(_("ngày báo cáo"), null=True, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ký"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo tổng kết năm")
        verbose_name_plural = _("báo cáo tổng kết năm")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "period_kind"], name="annual_report_one_per_period"),
            models.CheckConstraint(name="annual_report_state_valid", condition=Q(state__in=["draft", "sent"])),
            models.CheckConstraint(
                name="annual_report_sent_is_numbered",
                condition=Q(state="draft") | ~Q(number="") & Q(issued_on__isnull=False, signer__isnull=False, sent_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["unit", "year"], name="annual_report_unit_year_idx")]

    def __str__(self):
        return f"{self.unit} — {self.year}"

    @property
    def frozen(self) -> bool:
        return self.state == self.State.SENT

    def narrative(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in NARRATIVE_FIELDS}


class ReportRun(models.Model):
    """One production of a report: a version, made in the background, its progress visible."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Chờ xử lý")
        RUNNING = "running", _("Đang lập")
        DONE = "done", _("Đã lập xong")
        FAILED = "failed", _("Lỗi, chưa lập được")

    report = models.ForeignKey(AnnualReport, verbose_name=_("báo cáo"), on_delete=models.PROTECT, related_name="runs")
    version = models.PositiveIntegerField(_("phiên bản"))
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    step = models.CharField(_("đang làm"), max_length=200, blank=True)
    final = models.BooleanField(_("bản gửi cấp trên"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the version says, kept with it: the data table and the narrative as they were when it was made.
    figures = models.JSONField(default=dict, blank=True)
    narrative = models.JSONField(default=dict, blank=True)
    detail_rows = models.PositiveIntegerField(_("số đề xuất trong biểu chi tiết"), default=0)
    xlsx = models.FileField(upload_to=run_file_path, max_length=255, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to=run_file_path, max_length=255, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    csv = models.FileField(upload_to=run_file_path, max_length=255, blank=True)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    detail_csv = models.FileField(upload_to=run_file_path, max_length=255, blank=True)
    detail_csv_sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("phiên bản báo cáo")
        verbose_name_plural = _("phiên bản báo cáo")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="report_run_version_unique"),
            models.UniqueConstraint(fields=["report"], condition=Q(final=True), name="report_run_one_final"),
            models.CheckConstraint(name="report_run_progress_range", condition=Q(progress__lte=100)),
            models.CheckConstraint(name="report_run_state_valid", condition=Q(state__in=["queued", "running", "done", "failed"])),
        ]

    def __str__(self):
        return f"{self.report} v{self.version}"


class QuarterlyReport(models.Model):
    """The internal quarterly report (reports.md: no legal source, [I]), made by Celery beat after each quarter."""

    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan, đơn vị"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"))
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    figures = models.JSONField(default=dict)
    produced_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo nội bộ hằng quý")
        verbose_name_plural = _("báo cáo nội bộ hằng quý")
        ordering = ["-year", "-quarter", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="quarterly_report_one_per_quarter"),
            models.CheckConstraint(name="quarterly_report_quarter_range", condition=Q(quarter__gte=1, quarter__lte=4)),
        ]
        indexes = [models.Index(fields=["year", "quarter"], name="quarterly_report_period_idx")]

    def __str__(self):
        return f"{self.unit} — Q{self.quarter}/{self.year}"
