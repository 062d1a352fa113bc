from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list_view, name="list"),
    path("viec-can-xu-ly/", views.inbox, name="inbox"),
    path("moi/", views.proposal_create, name="create"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/sua/", views.proposal_edit, name="edit"),
    path("<int:pk>/nop/", views.proposal_submit, name="submit"),
    path("<int:pk>/chinh-sua-lai/", views.proposal_revise, name="revise"),
    path("<int:pk>/so-sanh-phien-ban/", views.version_compare, name="compare"),
    path("<int:pk>/phien-ban/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/phien-ban/<int:number>/ke-hoach.pdf", views.version_pdf, name="version_pdf"),
    path("<int:pk>/tep/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/tep/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/tep/<int:attachment_pk>/go-bo/", views.attachment_remove, name="attachment_remove"),
]
