"""Under /tai-khoan/ (accounts' namespace): the second factor's pages (issue 11 §2)."""

from django.urls import path

from . import views

urlpatterns = [
    path("xac-thuc-hai-lop/", views.overview, name="two_factor"),
    path("xac-thuc-hai-lop/nhap-ma/", views.verify, name="two_factor_verify"),
    path("xac-thuc-hai-lop/dang-ky/", views.setup, name="two_factor_setup"),
    path("xac-thuc-hai-lop/ma-du-phong/", views.recovery_codes, name="two_factor_codes"),
    path("xac-thuc-hai-lop/ma-du-phong/tao-lai/", views.regenerate, name="two_factor_regenerate"),
    path("xac-thuc-hai-lop/tat/", views.disable, name="two_factor_disable"),
]
