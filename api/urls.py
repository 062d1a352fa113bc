from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/versions/", views.version_list, name="version_list"),
    path("proposals/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("proposals/<int:pk>/documents/", views.document_list, name="document_list"),
    path("proposals/<int:pk>/documents/<int:number>/", views.document_download_view, name="document_download"),
    path("proposals/<int:pk>/actions/", views.action_list, name="action_list"),
    path("proposals/<int:pk>/actions/<str:key>/", views.action_run, name="action_run"),
    path("proposals/<int:pk>/actions/<str:key>/<int:target_id>/", views.action_run_on, name="action_run_on"),
    path("units/", views.unit_list, name="unit_list"),
    path("positions/", views.position_list, name="position_list"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/runs/<int:run_id>/<str:kind>/", views.report_download, name="report_download"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from our static files (drf-spectacular-sidecar), its start-up script a file of its own: the CSP
    # allows no inline script and no CDN.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
         name="docs"),
]
