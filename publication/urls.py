from django.urls import path

from proposals.actions import urlpatterns as action_urls

from . import views
from .actions import ACTIONS

app_name = "publication"

urlpatterns = [
    path("", views.public_list, name="list"),
    path("<int:pk>/", views.public_detail, name="detail"),
    *action_urls(ACTIONS),
]
