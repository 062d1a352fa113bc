from django.urls import path

from proposals.actions import urlpatterns as action_urls

from . import views
from .actions import ACTIONS

app_name = "evaluation"

urlpatterns = [
    *action_urls(ACTIONS),
    path("thanh-tich.csv", views.recognitions_export, name="recognitions_csv"),
    path("<int:pk>/y-kien-cap-uy/van-ban/", views.consultation_document, name="consultation_document"),
    path("<int:pk>/hop/<int:meeting_id>/bien-ban.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/ket-luan.pdf", views.conclusion_pdf, name="conclusion_pdf"),
    path("<int:pk>/bao-ve/<int:record_id>.pdf", views.protection_pdf, name="protection_pdf"),
    path("<int:pk>/khuyen-khich/<int:record_id>.pdf", views.encouragement_pdf, name="encouragement_pdf"),
]
