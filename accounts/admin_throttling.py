"""The sign-in lockouts in the admin (issue 11 §1): who failed from where, until when, and the audited unlock.

Axes' own admin pages are off (AXES_ENABLE_ADMIN): they delete attempts without an audit event.
"""

from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_base import ReadOnlyAdmin

from .throttling import unlock_sign_in


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyAdmin):
    """Read-only: the records change only by failing to sign in, and go only through the unlock action."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "expires_at", "path_info"]
    list_select_related = ["expiration"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = ["username", "ip_address", "failures_since_start", "attempt_time", "expires_at", "path_info",
              "user_agent", "post_data"]
    readonly_fields = fields
    actions = ["unlock"]

    @admin.display(description=_("Hết hiệu lực lúc"), ordering="expiration__expires_at")
    def expires_at(self, attempt):
        expiration = getattr(attempt, "expiration", None)
        return expiration.expires_at if expiration else None

    def has_unlock_permission(self, request):
        return request.user.has_perm("axes.delete_accessattempt")

    @admin.action(description=_("Mở khóa đăng nhập"), permissions=["unlock"])
    def unlock(self, request, queryset):
        pairs = set(queryset.values_list("username", "ip_address"))
        for username, ip_address in pairs:
            unlock_sign_in(username=username, ip_address=ip_address, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Đã mở khóa đăng nhập cho %(count)d tài khoản/địa chỉ.",
                "Đã mở khóa đăng nhập cho %(count)d tài khoản/địa chỉ.",
                len(pairs),
            ) % {"count": len(pairs)},
            messages.SUCCESS,
        )
