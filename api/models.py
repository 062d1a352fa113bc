"""Personal access tokens and service accounts (issue 13 §2).

A token is shown once, when it is created; only the SHA-256 of it is kept, with a short prefix that lets its owner
tell their tokens apart. A service account is a user that signs in only with tokens: what it reads and does follows
from the positions it holds, like anyone's (proposals.scope), so it is limited to its unit's scope.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Neither revoked nor expired, now."""
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), revoked_at__isnull=True)


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Chỉ đọc")
        ACT = "act", _("Đọc và thao tác")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người sở hữu"), on_delete=models.CASCADE,
                              related_name="api_tokens")
    name = models.CharField(_("tên khóa"), max_length=100)
    scope = models.CharField(_("phạm vi"), max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(_("tiền tố"), max_length=16)
    # SHA-256 of the whole token: a stolen database does not give usable tokens, and lookup is one indexed query.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa truy cập API")
        verbose_name_plural = _("khóa truy cập API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["read", "act"]), name="api_token_scope_valid"),
            # One name per owner, among the tokens still standing: the audit log names a token by its name.
            models.UniqueConstraint(fields=["owner", "name"], condition=Q(revoked_at__isnull=True),
                                    name="api_token_name_unique_per_owner"),
        ]
        indexes = [
            # The token page: an owner's tokens, newest first.
            models.Index(fields=["owner", "-created_at"], name="api_token_owner_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    @property
    def may_act(self) -> bool:
        return self.scope == self.Scope.ACT


class ServiceAccount(models.Model):
    """A system (an e-office, a document-management system) acting through the API under its own user: its
    positions give its unit scope; it has no password and cannot sign in to the pages."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE,
                                related_name="service_account")
    system = models.CharField(_("hệ thống"), max_length=150)
    contact = models.CharField(_("người phụ trách"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài khoản hệ thống")
        verbose_name_plural = _("tài khoản hệ thống")

    def __str__(self):
        return self.system
