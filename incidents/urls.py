from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    # Other stages link here as `?de_xuat=<proposal id>&loai=<refusal|non_compliance>` (both only pre-fill).
    path("gui/", views.report, name="report"),
    path("", views.incident_list, name="list"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/tep/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("<int:pk>/tiep-nhan/", views.incident_take_up, name="take_up"),
    path("<int:pk>/buoc-xu-ly/", views.incident_step, name="step"),
    path("<int:pk>/ket-thuc/", views.incident_close, name="close"),
    path("<int:pk>/chuyen-don/", views.incident_forward, name="forward"),
    # Public: no login.
    path("cong-khai/gui/", views.public_report, name="public_report"),
    path("cong-khai/da-gui/", views.public_receipt, name="public_receipt"),
    path("cong-khai/tra-cuu/", views.public_lookup, name="public_lookup"),
    # Supervision (SUP-1) and the register of recommendations and models (SUP-2).
    path("giam-sat/", views.supervision_list, name="supervision_list"),
    path("giam-sat/moi/", views.supervision_create, name="supervision_create"),
    path("giam-sat/<int:pk>/", views.supervision_detail, name="supervision_detail"),
    path("giam-sat/<int:pk>/ket-qua/", views.supervision_conclude, name="supervision_conclude"),
    path("giam-sat/<int:pk>/theo-doi/", views.supervision_follow_up, name="supervision_follow_up"),
    path("kien-nghi/", views.register_list, name="register_list"),
    path("kien-nghi/moi/", views.register_create, name="register_create"),
    path("kien-nghi/<int:pk>/", views.register_detail, name="register_detail"),
    path("kien-nghi/<int:pk>/chuyen/", views.register_forward, name="register_forward"),
    path("kien-nghi/<int:pk>/tra-loi/", views.register_decide, name="register_decide"),
]
