"""The ledger of reminders and escalations (spec README §5: "each reminder is sent once, even if workers restart
or run twice").

One row per (step, recipient, kind of reminder, due date), under a unique constraint: the daily scan inserts the
rows it finds due (a second scan inserts nothing), and delivery claims a row with a conditional UPDATE and marks
it sent only after the notification exists and the e-mail has gone (reminders.services).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from proposals.models import Step


class Reminder(models.Model):
    class Kind(models.TextChoices):
        # To whoever must act, `offset_wd` working days before the due date (0: on the day).
        REMIND = "remind", _("Nhắc việc")
        # Once overdue, to the superior unit's head and the secretariat: once per step and due date.
        ESCALATE = "escalate", _("Báo quá hạn")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        # The step was done (or its date moved) before delivery, or the reminder came too late to be true.
        SKIPPED = "skipped", _("Không gửi")

    step = models.ForeignKey(Step, verbose_name=_("việc theo hạn"), on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    offset_wd = models.PositiveSmallIntegerField(_("trước hạn (ngày làm việc)"), default=0)
    # The step's due date when the reminder was due: a step reopened with another date is reminded again.
    due_on = models.DateField(_("hạn"))
    # A person with an account, or only an address: an outside implementer's contact person (IMP-2).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhận"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    email = models.EmailField(_("địa chỉ thư"), blank=True)
    recipient_name = models.CharField(_("tên người nhận"), max_length=255, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # The in-app notification it created (recipients with an account): made once, kept across retries.
    notification = models.OneToOneField(
        "core.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="reminder",
    )

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc, cảnh báo quá hạn")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Sent once: whatever runs the scan, however often.
            models.UniqueConstraint(
                fields=["step", "kind", "offset_wd", "due_on", "recipient"], condition=Q(recipient__isnull=False),
                name="reminder_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["step", "kind", "offset_wd", "due_on", "email"], condition=Q(recipient__isnull=True),
                name="reminder_once_per_address",
            ),
            models.CheckConstraint(name="reminder_has_recipient", condition=Q(recipient__isnull=False) | ~Q(email="")),
            models.CheckConstraint(name="reminder_kind_valid", condition=Q(kind__in=["remind", "escalate"])),
            models.CheckConstraint(name="reminder_state_valid", condition=Q(state__in=["pending", "sent", "skipped"])),
            models.CheckConstraint(name="reminder_sent_dated", condition=~Q(state="sent") | Q(sent_at__isnull=False)),
        ]
        indexes = [
            # The delivery loop: the rows still to send, oldest first.
            models.Index(fields=["created_at"], condition=Q(state="pending"), name="reminder_pending_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.step_id} → {self.recipient_id or self.email} ({self.due_on:%d/%m/%Y})"
