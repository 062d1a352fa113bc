from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
]
urlpatterns += [
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/da-doc/", views.notifications_mark_read, name="notifications_mark_read"),
    path("thong-bao/cach-nhan-thu/", views.notification_preferences, name="notification_preferences"),
]
