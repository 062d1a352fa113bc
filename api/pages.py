"""The page where a person creates, lists and revokes their personal access tokens (issue 13 §2).

A new token's secret is shown once, on the answer to the POST that created it (not after a redirect: nothing keeps
it to show again)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from proposals.forms import add_service_errors

from . import services
from .forms import TokenForm
from .models import ApiToken

app_name = "api_tokens"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data["expires_at"]
        # The token works through the whole day chosen (Hà Nội time).
        expires_at = (timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))
                      if expires_on else None)
        try:
            token, secret = services.token_create(owner=request.user, by=request.user, name=form.cleaned_data["name"],
                                                  scope=form.cleaned_data["scope"], expires_at=expires_at)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            created = {"token": token, "secret": secret}
            form = TokenForm()
    tokens = ApiToken.objects.filter(owner=request.user).order_by("-created_at", "-pk")
    return render(request, "api/tokens.html", {"form": form, "created": created, "tokens": tokens},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(owner=request.user), pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("Đã thu hồi khóa “%(name)s”: khóa không còn dùng được.") % {"name": token.name})
    return redirect("api_tokens:tokens")


urlpatterns = [
    path("", token_list, name="tokens"),
    path("<int:pk>/thu-hoi/", token_revoke, name="token_revoke"),
]
