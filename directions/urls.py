from django.urls import path

from proposals.actions import urlpatterns as action_urls

from . import views
from .actions import ACTIONS

app_name = "directions"

urlpatterns = [
    *action_urls(ACTIONS),
    path("<int:pk>/quyet-dinh/<int:direction_id>.pdf", views.direction_pdf, name="direction_pdf"),
]
