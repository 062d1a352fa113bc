"""The Celery app. Tasks live in each app's tasks.py; beat's schedule is kept in the database."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("decree73")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
