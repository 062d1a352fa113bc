from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = _("Nhắc việc, cảnh báo quá hạn")

    def ready(self):
        """E-mails name the proposal a notification links to (its code and title), read here, not in core."""
        from core.mail import register_link_describer

        from .selectors import proposal_links

        register_link_describer(proposal_links)
