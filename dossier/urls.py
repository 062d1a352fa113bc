from django.urls import path

from . import views

app_name = "dossier"

urlpatterns = [
    path("<int:pk>/ho-so.pdf", views.dossier_pdf, name="pdf"),
]
