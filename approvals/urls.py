from django.urls import path

from proposals.actions import urlpatterns as action_urls

from . import views
from .actions import ACTIONS

app_name = "approvals"

urlpatterns = [
    *action_urls(ACTIONS),
    path("<int:pk>/y-kien-cap-uy/<int:consultation_id>/van-ban/", views.consultation_document, name="consultation_document"),
    path("<int:pk>/hop/<int:meeting_id>/bien-ban.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/van-ban/<int:decision_id>.pdf", views.decision_pdf, name="decision_pdf"),
]
