from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directions"
    verbose_name = _("Chỉ đạo thực hiện")
