"""`Authorization: Bearer <token>` for systems and scripts; the docs page uses the session (with CSRF)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from .services import token_authenticate


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải có dạng “Bearer <khóa>”."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Khóa truy cập không hợp lệ.")) from None
        token = token_authenticate(secret)
        if token is None:
            # Unknown, revoked and expired tokens get the same answer: nothing is learnt by trying.
            raise exceptions.AuthenticationFailed(_("Khóa truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi."))
        return token.owner, token

    def authenticate_header(self, request):
        return self.keyword


class MayAct(permissions.BasePermission):
    """A read-scope token cannot act (403); a session can do what the person can in the pages."""

    message = _("Khóa truy cập này chỉ có quyền đọc.")

    def has_permission(self, request, view):
        token = request.auth
        return token is None or not hasattr(token, "may_act") or token.may_act


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": str(_("Khóa truy cập cá nhân (d73_…)."))}
