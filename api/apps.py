from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON API (issue 13): the top layer, reading through the same scope and acting through the same
    action declarations as the browser."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("Giao diện lập trình (API)")
