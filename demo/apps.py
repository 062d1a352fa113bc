from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo province and its proposals in every state: the top layer, free to use every stage's services."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = _("Dữ liệu mẫu")
