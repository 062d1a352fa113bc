"""Sign-in in two steps, enrolment and recovery codes in the browser (issue 11 §2)."""

import base64
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from .. import sso
from ..forms import LoginForm
from . import services
from .forms import CodeForm
from .middleware import STAGE_PAGES
from .services import CodeRefused, Stage
from .sessions import keep_recovery_codes, mark_verified, pending_stage, take_recovery_codes


def next_url(request: HttpRequest) -> str:
    """Where to go once signed in: the `next` asked for when it is a path of this site, else the home page.

    Only a path: `redirect()` would take "-1" or "a b" for the name of a URL pattern and fail on it."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(page: str, next_to: str) -> str:
    return f"{reverse(page)}?{urlencode({'next': next_to})}"


class LoginView(auth_views.LoginView):
    """Step 1, the password; a session that still needs its second factor goes on to the code or enrolment page,
    `next` travelling with it."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        stage = pending_stage(self.request)
        return _with_next(STAGE_PAGES[stage], url) if stage else url

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, password_login=settings.LOCAL_PASSWORD_LOGIN, sso_label=sso.enabled() and settings.SSO_LABEL
        )

    def post(self, request, *args, **kwargs):
        """With LOCAL_PASSWORD_LOGIN off the form is not shown, and a password posted anyway is refused (403)."""
        if not settings.LOCAL_PASSWORD_LOGIN:
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin signs people in through our two steps; a signed-in person without admin access still gets the
    admin's own page (which says so) rather than a loop between the two."""
    if request.user.is_authenticated:
        return admin.site.login(request, extra_context)
    return redirect_to_login(request.GET.get("next", reverse("admin:index")), settings.LOGIN_URL)


def _code_error(form: CodeForm, refusal: CodeRefused) -> None:
    form.add_error("code", str(refusal))


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Step 2 for a person with an authenticator: a code from it, or one of the recovery codes."""
    if pending_stage(request) != Stage.VERIFY:
        return redirect(next_url(request))
    form = CodeForm(request.POST or None, recovery=True)
    if form.is_valid():
        try:
            device = services.check_code(request.user, form.cleaned_data["code"])
        except CodeRefused as refusal:
            _code_error(form, refusal)
        else:
            mark_verified(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _("Bạn vừa dùng một mã dự phòng; còn %(count)d mã. Hãy tạo mã mới khi còn ít.")
                    % {"count": device.token_set.count()},
                )
            return redirect(next_url(request))
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": next_url(request)})


def _qr_svg(uri: str) -> str:
    # segno writes the SVG itself (no Pillow, no script): inline, so that no image source has to be allowed.
    return mark_safe(segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff"))  # noqa: S308


def _grouped(secret: bytes) -> str:
    text = base64.b32encode(secret).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: scan the QR code (or type the key), confirm with its first code."""
    if services.totp_device(request.user) is not None:
        return redirect("accounts:two_factor")
    device = services.enrolment_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device, codes = services.confirm_enrolment(request.user, form.cleaned_data["code"])
        except CodeRefused as refusal:
            _code_error(form, refusal)
        else:
            mark_verified(request, device)
            keep_recovery_codes(request, codes)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            return redirect(_with_next("accounts:two_factor_codes", next_url(request)))
    context = {
        "form": form,
        "next": next_url(request),
        "qr_svg": _qr_svg(device.config_url),
        "secret": _grouped(device.bin_key),
        "issuer": settings.OTP_TOTP_ISSUER,
        "required": services.is_required(request.user),
    }
    return render(request, "accounts/two_factor/setup.html", context)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown this once (they leave the session as the page is made); a text file of them
    is offered in the page itself, so nothing has to keep them for a later download."""
    codes = take_recovery_codes(request)
    if not codes:
        return redirect("accounts:two_factor")
    text = _("Mã dự phòng xác thực hai lớp của %(user)s (%(issuer)s); mỗi mã dùng được một lần.") % {
        "user": request.user.get_username(), "issuer": settings.OTP_TOTP_ISSUER,
    }
    download = "data:text/plain;charset=utf-8," + quote("\r\n".join([text, *codes, ""]))
    return render(
        request, "accounts/two_factor/recovery_codes.html",
        {"codes": codes, "download": download, "next": next_url(request)},
    )


def _overview(request: HttpRequest, *, regenerate_form=None, disable_form=None, status=200) -> HttpResponse:
    device = services.totp_device(request.user)
    recovery = StaticDevice.objects.devices_for_user(request.user, confirmed=True).first()
    context = {
        "device": device,
        "recovery_left": recovery.token_set.count() if recovery else 0,
        "required": services.is_required(request.user),
        "may_disable": services.may_disable(request.user),
        "regenerate_form": regenerate_form or CodeForm(prefix="regenerate"),
        "disable_form": disable_form or CodeForm(prefix="disable"),
    }
    return render(request, "accounts/two_factor/overview.html", context, status=status)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The person's second factor: whether it is on, and the changes they may make."""
    return _overview(request)


@login_required
@require_POST
def regenerate(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="regenerate")
    if form.is_valid():
        try:
            codes = services.regenerate_recovery_codes(request.user, form.cleaned_data["code"])
        except CodeRefused as refusal:
            _code_error(form, refusal)
        else:
            keep_recovery_codes(request, codes)
            messages.success(request, _("Đã tạo mã dự phòng mới; các mã cũ không còn dùng được."))
            return redirect("accounts:two_factor_codes")
    return _overview(request, regenerate_form=form, status=400)


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="disable")
    if form.is_valid():
        try:
            services.disable(request.user, form.cleaned_data["code"])
        except CodeRefused as refusal:
            _code_error(form, refusal)
        else:
            messages.success(request, _("Đã tắt xác thực hai lớp."))
            return redirect("accounts:two_factor")
    return _overview(request, disable_form=form, status=400)
