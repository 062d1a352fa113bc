from django.contrib import admin
from django.urls import include, path

from accounts.two_factor.views import admin_login

urlpatterns = [
    path("", include("core.urls")),
    path("tai-khoan/khoa-truy-cap/", include("api.pages")),
    path("tai-khoan/", include("accounts.urls")),
    path("de-xuat/", include("proposals.urls")),
    path("xet-duyet/", include("approvals.urls")),
    path("trien-khai/", include("implementation.urls")),
    path("chi-dao/", include("directions.urls")),
    path("danh-gia/", include("evaluation.urls")),
    path("phan-anh/", include("incidents.urls")),
    path("ho-so/", include("dossier.urls")),
    path("cong-khai/", include("publication.urls")),
    path("nhac-viec/", include("reminders.urls")),
    path("bao-cao/", include("reports.urls")),
    path("api/v1/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin signs in through the app's two steps (issue 11 §2); before admin.site.urls, whose login it replaces.
    path("quan-tri/login/", admin_login, name="admin-login"),
    path("quan-tri/", admin.site.urls),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
