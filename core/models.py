"""Cross-cutting records: the working-day calendar, the append-only audit log, notifications and how each
person wants them e-mailed."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .triggers import UnignorableProtect


class CalendarDay(models.Model):
    """A date that departs from the Monday–Friday rule (spec README §4).

    Public holidays are seeded from the `holidays` package; admins add the extra days off and the make-up
    working Saturdays that the government announces each year, with their legal basis.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Ngày lễ, Tết")
        DAY_OFF = "day_off", _("Ngày nghỉ bù / nghỉ thêm")
        MAKEUP_WORKDAY = "makeup_workday", _("Ngày làm bù")

    class Source(models.TextChoices):
        SEEDED = "seeded", _("Tự động (thư viện holidays)")
        MANUAL = "manual", _("Quản trị nhập")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        verbose_name = _("ngày đặc biệt trong lịch làm việc")
        verbose_name_plural = _("lịch ngày làm việc")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(name="calendarday_kind_valid", condition=Q(kind__in=["holiday", "day_off", "makeup_workday"])),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.name}"


class AuditChainHead(models.Model):
    """One row holding the last link of the audit chain; locking it serialises appends.

    It is what reveals removed or replaced events at the end of the chain (`verify_chain`), so on
    PostgreSQL it may only move forward: it cannot be deleted, rewound, or pointed at another hash
    without a new event.
    """

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        constraints = [models.CheckConstraint(name="auditchainhead_singleton", condition=Q(pk=1))]
        triggers = [
            UnignorableProtect(name="auditchainhead_no_delete", operation=pgtrigger.Delete),
            UnignorableProtect(
                name="auditchainhead_forward_only",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(new__last_seq__lt=pgtrigger.F("old__last_seq"))
                | pgtrigger.Q(
                    new__last_seq=pgtrigger.F("old__last_seq"), new__last_hash__df=pgtrigger.F("old__last_hash")
                ),
            ),
        ]

    def __str__(self):
        return f"#{self.last_seq}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def for_outer(self, model):
        """`for_object` of the `model` row an outer query reads (`OuterRef("pk")`), for a subquery."""
        return self.filter(object_type=model._meta.label_lower, object_id=Cast(OuterRef("pk"), models.CharField()))


class AuditEvent(models.Model):
    """One entry of the evidence log (spec README §6): hash-chained, never updated, never deleted."""

    seq = models.BigIntegerField(_("số thứ tự"), unique=True)
    occurred_at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=30, blank=True)
    unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    action = models.CharField(_("hành động"), max_length=60)
    from_state = models.CharField(_("từ trạng thái"), max_length=40, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=40, blank=True)
    payload = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký sự kiện")
        verbose_name_plural = _("nhật ký sự kiện")
        ordering = ["seq"]
        # Related lookups and deletion collectors also go through the append-only guards.
        base_manager_name = "objects"
        indexes = [
            # The timeline of one object (proposal page, dossier).
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx"),
        ]
        triggers = [
            # The database refuses changes too, whoever connects (spec README §6), even a session that sets
            # pgtrigger.ignore (issue 11 §7: core.triggers).
            UnignorableProtect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


class DocumentCounter(models.Model):
    """Each unit's register per document type and year: numbers never repeat or skip (documents.md)."""

    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "doc_type", "year"], name="documentcounter_unique_register"),
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.doc_type}/{self.year}: {self.last_number}"


class Notification(models.Model):
    """An in-app message to one person, e-mailed at once or in the daily digest as the person prefers.

    `email_status` is the e-mail's own small life: pending until it is sent (at once or in the digest), or
    skipped (no address, read before the digest, or older than e-mail itself). Sending claims the row with a
    conditional UPDATE (`email_claim`, `email_claimed_at`) and marks it sent only once delivery has succeeded,
    so two workers or a task run twice e-mail it once (core.notifications).
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Chờ gửi thư")
        SENT = "sent", _("Đã gửi thư")
        SKIPPED = "skipped", _("Không gửi thư")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # The untranslated message and its parameters: each reader sees it in their own language.
    message = models.CharField(_("nội dung"), max_length=500)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        _("thư điện tử"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_claim = models.CharField(max_length=32, blank=True, editable=False)
    email_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    emailed_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="notification_email_status_valid", condition=Q(email_status__in=["pending", "sent", "skipped"])
            ),
            models.CheckConstraint(
                name="notification_emailed_when_sent",
                condition=~Q(email_status="sent") | Q(emailed_at__isnull=False),
            ),
        ]
        indexes = [
            # The unread badge and the notifications page.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_recipient_idx"),
            # The daily digest and the sweep of e-mails not yet sent: only pending rows, per person.
            models.Index(
                fields=["recipient", "created_at"], condition=Q(email_status="pending"), name="notification_email_due_idx"
            ),
        ]

    def __str__(self):
        return self.text()

    def text(self) -> str:
        return gettext(self.message) % self.params if self.params else gettext(self.message)


class NotificationPreference(models.Model):
    """How one person wants their notifications e-mailed (spec README §5): each at once, or one daily digest.

    No row means the default, at once. Core keeps it, not accounts, so that `core.notifications` can read it
    without importing a higher layer.
    """

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("Gửi thư ngay khi có thông báo")
        DIGEST = "digest", _("Gửi một thư tổng hợp mỗi ngày")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    delivery = models.CharField(
        _("cách nhận thư thông báo"), max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")
        constraints = [
            models.CheckConstraint(name="notificationpreference_delivery_valid", condition=Q(delivery__in=["immediate", "digest"])),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.delivery}"
