from django.urls import include, path

from config.urls import urlpatterns as site
from proposals.actions import urlpatterns as action_urls

from .actions import LABEL, NOTE

urlpatterns = [*site, path("thu-nghiem/", include((action_urls([NOTE]), LABEL)))]
