"""The deciding unit's written directions during implementation: suspend, continue, stop, adjust.

Spec: after-approval.md IMP-5 (the directions, each a numbered decision with reasons and an effective date;
adjustment as a new approved version), IMP-7 (the superior informed of an override-approved proposal's
directions), CMP-4 (a stopped proposal reports its results so far); decree73.md T9; documents.md
("Quyết định tạm dừng / tiếp tục / dừng / điều chỉnh", signed by the head).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from proposals.models import LegalProfile, Proposal
from proposals.transitions import Action


# Kept outside any public path, as the approvals' decisions: served only by the scope-checked download view.
def direction_pdf_path(instance: "Direction", filename: str) -> str:
    return f"directions/{instance.register_year}/{uuid.uuid4().hex}.pdf"


class Direction(models.Model):
    """One written direction of the deciding unit's head on a proposal being implemented (IMP-5).

    Every direction is a decision in the unit's QĐ register, with its reasons and the day it takes effect.
    An adjustment also records the path it was decided by (the legal profile's `adjustment_path`, frozen
    here) and, on the collective path, the leadership meeting's minutes and the party committee's opinion
    it rests on (Art. 4(3) by analogy [I]); it points at the plan version it created.
    """

    class Kind(models.TextChoices):
        SUSPEND = "suspend", _("Quyết định tạm dừng thực hiện")
        CONTINUE = "continue", _("Quyết định tiếp tục thực hiện")
        STOP = "stop", _("Quyết định dừng thực hiện")
        ADJUST = "adjust", _("Quyết định điều chỉnh đề xuất")

    # The transition each kind takes (proposals.transitions).
    ACTION = {Kind.SUSPEND: Action.SUSPEND, Kind.CONTINUE: Action.CONTINUE, Kind.STOP: Action.STOP, Kind.ADJUST: Action.ADJUST}
    REGISTER = "QĐ"

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="directions")
    kind = models.CharField(_("loại quyết định"), max_length=10, choices=Kind.choices)
    # The approved plan version in force once the direction is issued: for an adjustment, the one it created.
    version = models.PositiveIntegerField(_("phiên bản kế hoạch được phê duyệt"))
    previous_version = models.PositiveIntegerField(_("phiên bản được điều chỉnh"), null=True, blank=True)
    from_status = models.CharField(_("trạng thái trước quyết định"), max_length=30)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số văn bản"), max_length=60)
    register = models.CharField(max_length=10)
    register_year = models.PositiveSmallIntegerField()
    register_seq = models.PositiveIntegerField()
    issued_on = models.DateField(_("ngày ban hành"))
    effective_on = models.DateField(_("ngày có hiệu lực"))
    reasons = models.TextField(_("lý do"))
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người ký"), on_delete=models.PROTECT, related_name="+")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150)
    # --- Adjustment only ---
    adjustment_path = models.CharField(
        _("quy trình quyết định điều chỉnh"), max_length=10, choices=LegalProfile.DecisionPath.choices, blank=True
    )
    changed_fields = models.JSONField(_("nội dung được điều chỉnh"), default=list, blank=True)
    minutes_number = models.CharField(_("số biên bản họp tập thể lãnh đạo"), max_length=60, blank=True)
    meeting_held_on = models.DateField(_("ngày họp tập thể lãnh đạo"), null=True, blank=True)
    party_committee = models.CharField(_("cấp ủy, tổ chức đảng cho ý kiến"), max_length=255, blank=True)
    party_opinion_date = models.DateField(_("ngày có ý kiến của cấp ủy"), null=True, blank=True)
    # IMP-7: the superior unit informed (a proposal approved by the head's override), frozen at issue: the
    # decision's "Nơi nhận" lists it, whoever heads it later.
    superior_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("cơ quan cấp trên được báo cáo"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    pdf = models.FileField(_("văn bản (PDF)"), upload_to=direction_pdf_path, max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("mã SHA-256 của văn bản"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định chỉ đạo thực hiện")
        verbose_name_plural = _("quyết định chỉ đạo thực hiện")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "register", "register_year", "register_seq"], name="direction_number_unique"
            ),
            # One adjustment of each approved version: a repeated request never adjusts it twice.
            models.UniqueConstraint(
                fields=["proposal", "previous_version"], condition=Q(kind="adjust"),
                name="direction_one_adjustment_per_version",
            ),
            models.CheckConstraint(
                name="direction_kind_valid", condition=Q(kind__in=["suspend", "continue", "stop", "adjust"])
            ),
            models.CheckConstraint(name="direction_reasons_required", condition=~Q(reasons="")),
            models.CheckConstraint(
                name="direction_adjustment_has_path",
                condition=~Q(kind="adjust") | (Q(previous_version__isnull=False) & Q(adjustment_path__in=["collective", "head"])),
            ),
            models.CheckConstraint(
                name="direction_collective_adjustment_has_grounds",
                condition=~Q(kind="adjust", adjustment_path="collective") | (
                    ~Q(minutes_number="") & Q(meeting_held_on__isnull=False) & ~Q(party_committee="")
                    & Q(party_opinion_date__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.number} — {self.get_kind_display()}"

    @property
    def is_adjustment(self) -> bool:
        return self.kind == self.Kind.ADJUST
