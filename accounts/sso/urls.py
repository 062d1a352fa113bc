"""Under /tai-khoan/ (accounts' namespace): single sign-on (issue 13 §4)."""

from django.urls import path

from . import views

urlpatterns = [
    path("dang-nhap-mot-lan/", views.start, name="sso_start"),
    path("dang-nhap-mot-lan/ket-qua/", views.CallbackView.as_view(), name="sso_callback"),
]
