from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("<int:pk>/y-kien-cap-uy/", views.consultation_record, name="consultation_record"),
    path("<int:pk>/y-kien-cap-uy/<int:consultation_id>/van-ban/", views.consultation_document, name="consultation_document"),
    path("<int:pk>/hop/", views.meeting_open, name="meeting_open"),
    path("<int:pk>/hop/<int:meeting_id>/bieu-quyet/", views.vote_cast, name="vote_cast"),
    path("<int:pk>/hop/<int:meeting_id>/ket-thuc/", views.meeting_close, name="meeting_close"),
    path("<int:pk>/hop/<int:meeting_id>/hoan/", views.meeting_adjourn, name="meeting_adjourn"),
    path("<int:pk>/hop/<int:meeting_id>/bien-ban.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/cho-trien-khai/", views.decision_approve, name="decision_approve"),
    path("<int:pk>/nguoi-dung-dau-quyet-dinh/", views.decision_override, name="decision_override"),
    path("<int:pk>/khong-chap-thuan/", views.decision_reject, name="decision_reject"),
    path("<int:pk>/tra-lai/", views.proposal_return, name="proposal_return"),
    path("<int:pk>/van-ban/<int:decision_id>.pdf", views.decision_pdf, name="decision_pdf"),
]
