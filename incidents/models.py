"""Reports of the acts Art. 6 prohibits, their handling, supervision records and the register of recommendations.

Spec: after-approval.md §6 INC-1 (the four kinds of Art. 6, exactly), INC-2 (handling outcomes), INC-3
(confidentiality, formal denunciations under the Law on Denunciation 2018), §7 SUP-1 (supervision records),
SUP-2 (recommendations to remove policy bottlenecks, effective models); README §3 (incidents go,
confidentially, to the inspectors of the unit's subtree).

Who sees an incident is decided in one place, `selectors.incidents_visible_to`: its reporter and its handlers
(inspectors of the unit or a unit above it), never a person it names.
"""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from proposals.models import Proposal


def evidence_path(instance: "IncidentEvidence", filename: str) -> str:
    # Generated name, never the reporter's: nothing guessable, no path tricks. The document store is never served
    # publicly; only the scope-checked download view reads these files.
    return f"incidents/{uuid.uuid4().hex}"


class Incident(models.Model):
    """A report of an act prohibited by Art. 6 of Decree 73/2023/NĐ-CP, and how it was handled."""

    class Kind(models.TextChoices):
        # INC-1, Art. 6(1)–(4) [C]: exactly the four clauses, in their order.
        ABUSE = "abuse", _(
            "Lợi dụng chủ trương khuyến khích, bảo vệ cán bộ để tham nhũng, tiêu cực, trục lợi, vi phạm kỷ luật của "
            "Đảng, pháp luật của Nhà nước; gây ảnh hưởng đến nhiệm vụ chính trị, đời sống nhân dân, hoạt động sản "
            "xuất, kinh doanh (khoản 1 Điều 6)"
        )
        OBSTRUCTION = "obstruction", _(
            "Cản trở, gây khó khăn, xúc phạm danh dự, nhân phẩm của cán bộ và cơ quan, tổ chức, cá nhân liên quan "
            "trong quá trình đề xuất, thực hiện, hoàn thành đề xuất (khoản 2 Điều 6)"
        )
        EVASION = "evasion", _(
            "Né tránh, đùn đẩy trách nhiệm trong quá trình xem xét, phê duyệt, triển khai thực hiện đề xuất "
            "(khoản 3 Điều 6)"
        )
        NON_COMPLIANCE = "non_compliance", _(
            "Từ chối nhiệm vụ được giao để thực hiện đề xuất; không thực hiện đúng quyết định của cơ quan sử dụng "
            "cán bộ; không chấp hành quyết định tiếp tục, tạm dừng, dừng thực hiện đề xuất (khoản 4 Điều 6)"
        )

    class Conduct(models.TextChoices):
        """Which act of Art. 6(4) (kind 4 only): `loai=refusal` / `loai=non_compliance` pre-select one."""

        REFUSAL = "refusal", _("Từ chối nhiệm vụ được giao để thực hiện đề xuất")
        NOT_AS_DECIDED = "not_as_decided", _("Không thực hiện đúng quyết định của cơ quan sử dụng cán bộ")
        DIRECTION = "direction", _("Không chấp hành quyết định tiếp tục, tạm dừng, dừng thực hiện đề xuất")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận")
        HANDLING = "handling", _("Đang xem xét, xử lý")
        CLOSED = "closed", _("Đã xử lý xong")
        # INC-3: a formal denunciation follows the Law on Denunciation 2018, not this procedure.
        ROUTED = "routed", _("Chuyển giải quyết theo Luật Tố cáo")

    class Outcome(models.TextChoices):
        # INC-2 [seeds: Thông tri 25-TT/HU, Quảng Ninh 2545-CV/TU, Hải Dương speech]: exactly these.
        UNFOUNDED = "unfounded", _("Không có cơ sở")
        REMINDER = "reminder", _("Nhắc nhở, phê bình")
        DISCIPLINE = "discipline", _("Kiến nghị xử lý kỷ luật theo quy định")
        PARTY_INSPECTION = "party_inspection", _("Chuyển Ủy ban kiểm tra xem xét (đối với đảng viên)")
        REASSIGNMENT = "reassignment", _("Bố trí công tác khác, thay thế, điều chuyển")
        CRIMINAL = "criminal", _("Chuyển cơ quan tiến hành tố tụng")

    class Channel(models.TextChoices):
        SIGNED_IN = "signed_in", _("Người dùng đã đăng nhập")
        PUBLIC = "public", _("Biểu mẫu công khai")

    kind = models.CharField(_("hành vi bị phản ánh"), max_length=20, choices=Kind.choices)
    conduct = models.CharField(_("hành vi cụ thể (khoản 4)"), max_length=20, choices=Conduct.choices, blank=True)
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=Channel.choices)
    # The unit whose inspectors (and those above it) handle the report: the proposal's unit, or the unit the
    # reporter picked when the report is about no proposal.
    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan, đơn vị"), on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("đề xuất liên quan"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # Signed in: the account; public form: nothing, or the name and contact the reporter chose to give.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người phản ánh"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    reporter_name = models.CharField(_("họ tên người phản ánh"), max_length=150, blank=True)
    reporter_contact = models.CharField(_("địa chỉ liên hệ"), max_length=200, blank=True)
    reported_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ bị phản ánh"), blank=True, related_name="+",
    )
    reported_text = models.CharField(_("người, cơ quan bị phản ánh (ghi cụ thể)"), max_length=500, blank=True)
    description = models.TextField(_("nội dung phản ánh"))
    is_denunciation = models.BooleanField(_("là đơn tố cáo"), default=False)
    # One per form shown: a double click or a second tab sending the same form records one report.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The receipt of the public form is shown once; only its SHA-256 is kept, like a password.
    receipt_digest = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), auto_now_add=True)
    taken_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tiếp nhận xử lý"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    taken_up_at = models.DateTimeField(_("tiếp nhận xử lý lúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả xử lý"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("căn cứ, lý do"), blank=True)
    outcome_on = models.DateField(_("ngày kết luận"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người kết thúc xử lý"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    # A denunciation handed over to the body competent to settle it (Law on Denunciation 2018).
    forwarded_to = models.CharField(_("chuyển đến cơ quan"), max_length=255, blank=True)
    forwarded_on = models.DateField(_("ngày chuyển"), null=True, blank=True)

    class Meta:
        verbose_name = _("phản ánh hành vi vi phạm")
        verbose_name_plural = _("phản ánh hành vi vi phạm")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="incident_kind_valid", condition=Q(kind__in=["abuse", "obstruction", "evasion", "non_compliance"]),
            ),
            models.CheckConstraint(
                name="incident_status_valid", condition=Q(status__in=["received", "handling", "closed", "routed"]),
            ),
            models.CheckConstraint(
                name="incident_outcome_valid",
                condition=Q(outcome__in=[
                    "", "unfounded", "reminder", "discipline", "party_inspection", "reassignment", "criminal",
                ]),
            ),
            # Only kind 4 names a conduct of Art. 6(4).
            models.CheckConstraint(name="incident_conduct_of_kind_4", condition=Q(conduct="") | Q(kind="non_compliance")),
            # Closed exactly when an outcome is recorded, with its reason, date and who closed it.
            models.CheckConstraint(
                name="incident_closed_has_outcome",
                condition=(
                    Q(status="closed", outcome__gt="", outcome_on__isnull=False, closed_at__isnull=False)
                    & ~Q(outcome_reason="")
                ) | Q(~Q(status="closed"), outcome="", outcome_on__isnull=True, closed_at__isnull=True),
            ),
            # A denunciation is routed to the Law on Denunciation, never handled here (INC-3).
            models.CheckConstraint(
                name="incident_denunciation_routed", condition=Q(is_denunciation=False) | Q(status="routed"),
            ),
            models.CheckConstraint(name="incident_routed_is_denunciation", condition=~Q(status="routed") | Q(is_denunciation=True)),
        ]
        indexes = [
            # Handlers' lists and the inbox: incidents of a subtree (unit path via the join) by status, newest first.
            models.Index(fields=["unit", "status", "-received_at"], name="incident_unit_status_idx"),
            # "Phản ánh của tôi": a reporter's own reports, newest first.
            models.Index(fields=["reporter", "-received_at"], name="incident_reporter_idx"),
            # The proposal page's panel: incidents about one proposal.
            models.Index(fields=["proposal"], condition=Q(proposal__isnull=False), name="incident_proposal_idx"),
        ]
        triggers = [
            # The database refuses any other status change, whoever issues it (style.md §4).
            pgtrigger.FSM(
                name="incident_status_fsm", field="status",
                transitions=[("received", "handling"), ("handling", "closed")],
                condition=pgtrigger.AnyChange("status"),
            ),
            # Born received, or routed as a denunciation: never already closed.
            pgtrigger.Protect(
                name="incident_insert_received_or_routed", operation=pgtrigger.Insert,
                condition=~pgtrigger.Q(new__status="received") & ~pgtrigger.Q(new__status="routed"),
            ),
        ]

    def __str__(self):
        return f"PA-{self.pk}"

    @property
    def number(self) -> str:
        """How handlers refer to it ("PA-12"); never the public receipt."""
        return f"PA-{self.pk}"

    @property
    def kind_short(self) -> str:
        return KIND_SHORT[self.kind]


# The four clauses in a few words, for lists and filters (the full wording is the kind's label).
KIND_SHORT = {
    Incident.Kind.ABUSE: _("Khoản 1: lợi dụng chủ trương để vi phạm"),
    Incident.Kind.OBSTRUCTION: _("Khoản 2: cản trở, gây khó khăn, xúc phạm"),
    Incident.Kind.EVASION: _("Khoản 3: né tránh, đùn đẩy trách nhiệm"),
    Incident.Kind.NON_COMPLIANCE: _("Khoản 4: từ chối, không thực hiện, không chấp hành"),
}


class IncidentEvidence(models.Model):
    """A file the reporter attached: checked by content (core.uploads), hashed, stored under a random name."""

    incident = models.ForeignKey(Incident, verbose_name=_("phản ánh"), on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu, chứng cứ kèm phản ánh")
        verbose_name_plural = _("tài liệu, chứng cứ kèm phản ánh")
        ordering = ["uploaded_at", "pk"]
        triggers = [pgtrigger.Protect(name="incidentevidence_frozen", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return self.original_name


class IncidentStep(models.Model):
    """One step a handler took (verification, a meeting, a request for explanation): append-only."""

    incident = models.ForeignKey(Incident, verbose_name=_("phản ánh"), on_delete=models.PROTECT, related_name="steps")
    happened_on = models.DateField(_("ngày thực hiện"))
    note = models.TextField(_("nội dung"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bước xử lý phản ánh")
        verbose_name_plural = _("bước xử lý phản ánh")
        ordering = ["happened_on", "recorded_at", "pk"]
        triggers = [pgtrigger.Protect(name="incidentstep_frozen", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.incident} — {self.happened_on:%d/%m/%Y}"


class SupervisionRecord(models.Model):
    """SUP-1: one inspection or supervision of a unit: its plan, finding, recommendation and follow-up."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Đã lập kế hoạch")
        CONCLUDED = "concluded", _("Đã có kết quả, kiến nghị")
        CLOSED = "closed", _("Đã hoàn thành theo dõi kiến nghị")

    unit = models.ForeignKey(OrgUnit, verbose_name=_("đơn vị được giám sát"), on_delete=models.PROTECT, related_name="+")
    body = models.CharField(
        _("cơ quan kiểm tra, giám sát"), max_length=255,
        help_text=_("Ví dụ: Ủy ban Kiểm tra Tỉnh ủy; Sở Nội vụ (cơ quan đầu mối theo dõi, kiểm tra, đôn đốc)."),
    )
    title = models.CharField(_("nội dung giám sát"), max_length=300)
    plan = models.TextField(_("kế hoạch"))
    planned_from = models.DateField(_("thời gian từ"))
    planned_to = models.DateField(_("đến"))
    year = models.PositiveSmallIntegerField(_("năm"), editable=False)
    proposals = models.ManyToManyField(Proposal, verbose_name=_("đề xuất liên quan"), blank=True, related_name="+")
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.PLANNED)
    finding = models.TextField(_("kết quả, phát hiện"), blank=True)
    recommendation = models.TextField(_("kiến nghị"), blank=True)
    # reports.md column 17 (manual entry): party organisations and members found in breach and handled.
    party_orgs_handled = models.PositiveIntegerField(_("số tổ chức đảng vi phạm được xử lý"), default=0)
    party_members_handled = models.PositiveIntegerField(_("số đảng viên vi phạm được xử lý"), default=0)
    concluded_on = models.DateField(_("ngày kết luận"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kiểm tra, giám sát")
        verbose_name_plural = _("kiểm tra, giám sát")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(name="supervision_state_valid", condition=Q(state__in=["planned", "concluded", "closed"])),
            models.CheckConstraint(name="supervision_period", condition=Q(planned_to__gte=models.F("planned_from"))),
            models.CheckConstraint(
                name="supervision_concluded_has_finding",
                condition=Q(state="planned") | (Q(concluded_on__isnull=False) & ~Q(finding="") & ~Q(recommendation="")),
            ),
        ]
        indexes = [
            # The list filtered by year (and unit subtree), newest first, paged by id (keyset).
            models.Index(fields=["year", "-id"], name="supervision_year_idx"),
            models.Index(fields=["unit", "-id"], name="supervision_unit_idx"),
        ]
        triggers = [
            pgtrigger.FSM(
                name="supervision_state_fsm", field="state",
                transitions=[("planned", "concluded"), ("concluded", "closed")],
                condition=pgtrigger.AnyChange("state"),
            ),
        ]

    def __str__(self):
        return self.title


class SupervisionFollowUp(models.Model):
    """A note on how the recommendation is being carried out: append-only."""

    record = models.ForeignKey(SupervisionRecord, verbose_name=_("kiểm tra, giám sát"), on_delete=models.PROTECT,
                               related_name="follow_ups")
    happened_on = models.DateField(_("ngày"))
    note = models.TextField(_("nội dung theo dõi, đôn đốc"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("theo dõi thực hiện kiến nghị")
        verbose_name_plural = _("theo dõi thực hiện kiến nghị")
        ordering = ["happened_on", "recorded_at", "pk"]
        triggers = [pgtrigger.Protect(name="supervisionfollowup_frozen", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.record} — {self.happened_on:%d/%m/%Y}"


class RegisterEntry(models.Model):
    """SUP-2: a recommendation to remove a policy bottleneck, or an effective model proposed for replication."""

    class Kind(models.TextChoices):
        BOTTLENECK = "bottleneck", _("Kiến nghị tháo gỡ cơ chế, chính sách")
        MODEL = "model", _("Mô hình, cách làm hiệu quả đề nghị nhân rộng")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Đã đề xuất")
        FORWARDED = "forwarded", _("Đã chuyển cấp có thẩm quyền")
        ACCEPTED = "accepted", _("Được tiếp thu")
        NOT_ACCEPTED = "not_accepted", _("Không được tiếp thu")

    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan, đơn vị đề xuất"), on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("đề xuất liên quan"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    title = models.CharField(_("tên kiến nghị, mô hình"), max_length=300)
    content = models.TextField(_("nội dung"))
    legal_basis = models.TextField(_("quy định đang vướng mắc, đề xuất sửa đổi"), blank=True)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    forwarded_to = models.ForeignKey(
        OrgUnit, verbose_name=_("chuyển đến"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    forwarded_on = models.DateField(_("ngày chuyển"), null=True, blank=True)
    response = models.TextField(_("ý kiến trả lời"), blank=True)
    decided_on = models.DateField(_("ngày trả lời"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kiến nghị, mô hình hiệu quả")
        verbose_name_plural = _("kiến nghị, mô hình hiệu quả")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(name="registerentry_kind_valid", condition=Q(kind__in=["bottleneck", "model"])),
            models.CheckConstraint(
                name="registerentry_status_valid",
                condition=Q(status__in=["proposed", "forwarded", "accepted", "not_accepted"]),
            ),
            models.CheckConstraint(
                name="registerentry_forwarded_has_target",
                condition=Q(status="proposed") | Q(forwarded_to__isnull=False, forwarded_on__isnull=False),
            ),
            models.CheckConstraint(
                name="registerentry_decided_has_response",
                condition=Q(status__in=["proposed", "forwarded"]) | (Q(decided_on__isnull=False) & ~Q(response="")),
            ),
        ]
        indexes = [
            # The register filtered by unit subtree and status, newest first, paged by id (keyset).
            models.Index(fields=["unit", "-id"], name="registerentry_unit_idx"),
            models.Index(fields=["status", "-id"], name="registerentry_status_idx"),
        ]
        triggers = [
            pgtrigger.FSM(
                name="registerentry_status_fsm", field="status",
                transitions=[("proposed", "forwarded"), ("forwarded", "accepted"), ("forwarded", "not_accepted")],
                condition=pgtrigger.AnyChange("status"),
            ),
        ]

    def __str__(self):
        return self.title
