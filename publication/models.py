"""The public register of approved and completed proposals (decree73.md Art. 4(4): "công khai, minh bạch").

A head publishes a summary they wrote and confirmed free of state secrets; the public pages show only these
rows, never the proposal itself. One publication is live per proposal at a time; a withdrawn one stays, with
its reason, as a record (and in the audit log).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from core.text import fold
from proposals.models import FieldOfWork, Proposal


class PublicationQuerySet(models.QuerySet):
    def live(self):
        """What the public pages show: published and not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class Publication(models.Model):
    """A summary of a proposal on the public register, as its head published it."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("đề xuất"), on_delete=models.PROTECT, related_name="publications")
    # What the public reads, copied or written when published: nothing here is read from the proposal later.
    title = models.CharField(_("tên đề xuất"), max_length=300)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("cơ quan, đơn vị"), on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=FieldOfWork.choices, blank=True)
    summary = models.TextField(_("nội dung tóm tắt"))
    decision_number = models.CharField(_("số quyết định cho triển khai"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    outcome = models.TextField(_("kết quả đánh giá"), blank=True)
    # Required true: the head confirmed that nothing in the summary is a state secret.
    confirmed_not_secret = models.BooleanField(_("xác nhận không chứa bí mật nhà nước"), default=False)
    published_at = models.DateTimeField(_("công khai lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người công khai"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gỡ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    withdraw_reason = models.TextField(_("lý do gỡ"), blank=True)
    # Folded copy of the public text: "cai cach" finds "Cải cách" on every database (core.text.fold).
    search_text = models.TextField(editable=False, default="")

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nội dung công khai")
        verbose_name_plural = _("nội dung công khai")
        ordering = ["-published_at", "-pk"]
        constraints = [
            # One live summary per proposal: a double click or two tabs never publish twice.
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(withdrawn_at__isnull=True), name="publication_one_live_per_proposal"
            ),
            models.CheckConstraint(name="publication_confirmed_not_secret", condition=Q(confirmed_not_secret=True)),
            models.CheckConstraint(name="publication_summary_required", condition=~Q(summary="")),
            models.CheckConstraint(
                name="publication_withdrawn_has_reason",
                condition=Q(withdrawn_at__isnull=True) | (Q(withdrawn_by__isnull=False) & ~Q(withdraw_reason="")),
            ),
        ]
        indexes = [
            # The public list: live rows, newest first (keyset on pk), optionally by unit.
            models.Index(fields=["-id"], condition=Q(withdrawn_at__isnull=True), name="publication_live_idx"),
            models.Index(fields=["unit", "-id"], condition=Q(withdrawn_at__isnull=True), name="publication_live_unit_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join(filter(None, [self.title, self.summary, self.outcome, self.decision_number])))
        super().save(*args, **kwargs)
