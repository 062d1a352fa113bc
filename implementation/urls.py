from django.urls import path

from proposals.actions import urlpatterns as action_urls

from . import views
from .actions import ACTIONS

app_name = "implementation"

urlpatterns = [
    *action_urls(ACTIONS),
    path("<int:pk>/bao-cao/<int:report_id>.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/bao-cao/minh-chung/<int:file_id>/", views.report_evidence, name="report_evidence"),
    path("<int:pk>/tien-do/<int:entry_id>/minh-chung/", views.progress_evidence, name="progress_evidence"),
]
