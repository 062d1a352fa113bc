"""Subscriptions, the outbox of deliveries (one row per event and subscription) and the log of each attempt.

A delivery row is written in the transaction of the change it reports (webhooks.outbox), so a delivery exists
if and only if the change committed; it then waits, pending, until a POST to the receiver answers 2xx.
"""

import ipaddress
import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

LOOPBACK_HOSTS = {"localhost"}


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_receiver_url(url: str) -> None:
    """https, or plain http to a loopback address (a local relay) or where WEBHOOK_ALLOW_HTTP allows it."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError(_("Địa chỉ nhận không được chứa tên đăng nhập hay mật khẩu."), code="credentials")
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and (settings.WEBHOOK_ALLOW_HTTP or _is_loopback(parts.hostname or "")):
        return
    raise ValidationError(_("Địa chỉ nhận phải dùng https."), code="scheme")


class EventType(models.TextChoices):
    SUBMITTED = "proposal.submitted", _("Đề xuất được nộp")
    DECIDED = "proposal.decided", _("Người đứng đầu ban hành quyết định về đề xuất")
    DOCUMENT_ISSUED = "document.issued", _("Văn bản được ban hành")
    STATUS_CHANGED = "proposal.status_changed", _("Đề xuất chuyển trạng thái")


class Subscription(models.Model):
    """A receiver of events, managed by administrators; `secret` signs every delivery (HMAC-SHA256)."""

    name = models.CharField(_("tên"), max_length=100)
    url = models.URLField(_("địa chỉ nhận"), max_length=500, validators=[validate_receiver_url])
    # Kept in clear: signing needs it. Shown once, when generated (webhooks.admin).
    secret = models.CharField(_("khóa ký"), max_length=64, default=new_secret, editable=False)
    event_types = models.JSONField(_("loại sự kiện"), default=list)
    unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("đơn vị (và các đơn vị trực thuộc)"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
        help_text=_("Để trống: sự kiện của mọi đơn vị."),
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("đăng ký nhận sự kiện")
        verbose_name_plural = _("đăng ký nhận sự kiện")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.event_types or []) - set(EventType.values)
        if not self.event_types or unknown:
            raise ValidationError({"event_types": _("Chọn ít nhất một loại sự kiện trong danh sách.")})


class Delivery(models.Model):
    """The outbox: one event for one subscription. `key` is its Idempotency-Key, the same on every attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        DELIVERED = "delivered", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")

    key = models.UUIDField(_("khóa chống trùng"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("đăng ký"), on_delete=models.PROTECT, related_name="deliveries"
    )
    event = models.ForeignKey(
        "core.AuditEvent", verbose_name=_("sự kiện nhật ký"), on_delete=models.PROTECT, related_name="+"
    )
    event_type = models.CharField(_("loại sự kiện"), max_length=40, choices=EventType.choices)
    payload = models.JSONField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Attempts of the current round: an administrator's re-queue starts a new one (the log keeps every attempt).
    attempts = models.PositiveSmallIntegerField(_("số lần đã gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"))
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện gửi đi")
        verbose_name_plural = _("sự kiện gửi đi")
        ordering = ["-created_at"]
        constraints = [
            # An event reaches a subscription once: a listener running twice cannot queue it twice.
            models.UniqueConstraint(fields=["subscription", "event", "event_type"], name="webhooks_delivery_once"),
            models.CheckConstraint(condition=Q(status__in=["pending", "delivered", "failed"]),
                                   name="webhooks_delivery_status_valid"),
            models.CheckConstraint(condition=Q(status="delivered", delivered_at__isnull=False)
                                   | (~Q(status="delivered") & Q(delivered_at__isnull=True)),
                                   name="webhooks_delivered_when_delivered_at"),
        ]
        indexes = [
            # The sweep: pending deliveries whose next attempt is due, in (next_attempt_at, id) order, so that its
            # LIMIT 1 reads the index in order instead of sorting every due row.
            models.Index(fields=["next_attempt_at", "id"], condition=Q(status="pending"), name="webhooks_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id} ({self.key})"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: when, what the receiver answered (or why nothing came back), how long it took."""

    delivery = models.ForeignKey(Delivery, verbose_name=_("sự kiện gửi đi"), on_delete=models.CASCADE,
                                 related_name="attempt_log")
    attempted_at = models.DateTimeField(_("gửi lúc"))
    status_code = models.PositiveSmallIntegerField(_("mã trả lời"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"))
    error = models.CharField(_("lỗi"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("nhật ký gửi")
        ordering = ["delivery", "attempted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.attempted_at:%d/%m/%Y %H:%M:%S}"
