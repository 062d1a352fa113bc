from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from . import views
from .sso import urls as sso_urls
from .sso import views as sso_views
from .two_factor import urls as two_factor_urls
from .two_factor import views as two_factor_views

app_name = "accounts"

urlpatterns = [
    # The password, then the second factor where one applies (issue 11 §2).
    path("dang-nhap/", two_factor_views.LoginView.as_view(), name="login"),
    path("", include(two_factor_urls)),
    path("", include(sso_urls)),
    path("dang-xuat/", sso_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        sso_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("nhap-du-lieu/", views.import_start, name="import_start"),
    path("nhap-du-lieu/xem-truoc/", views.import_preview, name="import_preview"),
    path("nhap-du-lieu/xac-nhan/", views.import_confirm, name="import_confirm"),
    path("nhap-du-lieu/mau/<slug:kind>.csv", views.import_template, name="import_template"),
    path("tim-can-bo/", views.people_autocomplete, name="people-autocomplete"),
    path("tim-don-vi/", views.units_autocomplete, name="units-autocomplete"),
]
