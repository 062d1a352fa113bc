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

        # Issue 14 §5: the overdue steps on /metrics (core.observability reads no stage's table itself).
        from core.observability.metrics import register_scrape_collector

        from .metrics import collect_overdue_steps

        register_scrape_collector(collect_overdue_steps)
