from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
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
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
