"""Sign-in through the provider, its refusals, and the sign-out that ends both sessions."""

from types import SimpleNamespace

import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from core.audit import audit_record

from . import enabled, provider, sessions
from .backend import Outcome, Refusal


class _RequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(provider.setting)


_request_view = _RequestView.as_view()


# What the refusal page says, by reason (None: cancelled at the provider, or a stale or replayed callback).
REFUSALS = {
    Refusal.UNKNOWN: _("Tài khoản %(value)s của %(label)s không khớp với người dùng nào của hệ thống. Hãy nhờ quản "
                       "trị viên của đơn vị tạo tài khoản cho bạn."),
    Refusal.AMBIGUOUS: _("Tài khoản %(value)s của %(label)s khớp với nhiều người dùng của hệ thống, nên không thể "
                         "biết đó là ai. Hãy báo quản trị viên."),
    Refusal.INACTIVE: _("Tài khoản này đã bị khóa."),
    Refusal.NO_CLAIM: _("%(label)s không gửi thông tin %(claim)s dùng để nhận ra bạn. Hãy báo quản trị viên."),
    Refusal.PROVIDER: _("Không hoàn tất được đăng nhập với %(label)s: dịch vụ không trả lời hoặc từ chối yêu cầu. "
                        "Hãy thử lại sau."),
    None: _("Đăng nhập bằng %(label)s không hoàn tất (đã hủy, hoặc liên kết đã cũ). Hãy thử lại."),
}


def _refused(request: HttpRequest, outcome: Outcome | None) -> HttpResponse:
    refusal = outcome.refusal if outcome else None
    message = REFUSALS[refusal] % {
        "value": outcome.value if outcome else "", "label": settings.SSO_LABEL, "claim": settings.SSO_MATCH_CLAIM
    }
    status = {Refusal.PROVIDER: 502, None: 400}.get(refusal, 403)
    return render(request, "accounts/sso/refused.html", {"message": message}, status=status)


def start(request: HttpRequest) -> HttpResponse:
    """To the provider, with state, nonce and a PKCE challenge kept in the session (mozilla-django-oidc)."""
    if not enabled():
        raise Http404
    try:
        return _request_view(request)
    except requests.RequestException:  # the discovery document could not be read
        return _refused(request, Outcome(refusal=Refusal.PROVIDER))


def _identity(outcome: Outcome):
    """The subject of a refusal's audit event when no person here matched: the provider's account itself."""
    return SimpleNamespace(_meta=SimpleNamespace(label_lower="sso.identity"), pk=f"{outcome.issuer}#{outcome.value}")


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer. Success signs the person in without our second factor (the provider's `amr` is
    recorded instead); a refusal is a page saying why, and an audit event when it concerns an identity."""

    get_settings = staticmethod(provider.setting)

    def get(self, request):
        if not enabled():
            raise Http404
        return super().get(request)

    def login_success(self):
        outcome = self.request.sso_outcome
        auth.login(self.request, self.user)
        sessions.start(self.request, outcome)
        audit_record(
            action="sign_in_sso", obj=self.user, actor=self.user,
            payload={"provider": outcome.issuer, "amr": outcome.amr, settings.SSO_MATCH_CLAIM: outcome.value},
        )
        return HttpResponseRedirect(self.success_url)

    def login_failure(self):
        outcome = getattr(self.request, "sso_outcome", None)
        if outcome and outcome.value:
            audit_record(
                action="sign_in_sso_refused", obj=outcome.user or _identity(outcome),
                payload={"provider": outcome.issuer, "reason": outcome.refusal.value,
                         settings.SSO_MATCH_CLAIM: outcome.value},
            )
        return _refused(self.request, outcome)


class LogoutView(auth_views.LogoutView):
    """Ends the local session; one signed in through the provider then goes to the provider's sign-out, when it
    has one, which comes back to our sign-in page."""

    def post(self, request, *args, **kwargs):
        provider_logout = sessions.provider_logout_url(request)  # read before the session is flushed
        response = super().post(request, *args, **kwargs)
        return redirect(provider_logout) if provider_logout else response


class PasswordChangeView(auth_views.PasswordChangeView):
    """With LOCAL_PASSWORD_LOGIN off nobody signs in with a password here: there is none to change (404)."""

    template_name = "accounts/password_change.html"

    def dispatch(self, request, *args, **kwargs):
        if not settings.LOCAL_PASSWORD_LOGIN:
            raise Http404
        return super().dispatch(request, *args, **kwargs)
