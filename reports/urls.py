from django.urls import path

from . import dashboard, views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("tong-quan/", dashboard.dashboard, name="dashboard"),
    path("nam/lap/", views.order, name="order"),
    path("nam/<int:pk>/", views.detail, name="detail"),
    path("nam/<int:pk>/noi-dung/", views.write, name="write"),
    path("nam/<int:pk>/lap-lai/", views.rerun, name="rerun"),
    path("nam/<int:pk>/gui/", views.send, name="send"),
    path("phien-ban/<int:pk>/tien-do/", views.progress, name="progress"),
    path("tai/<str:token>/", views.download, name="download"),
    path("quy/<int:pk>/", views.quarterly, name="quarterly"),
]
