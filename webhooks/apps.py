from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"
    verbose_name = _("Webhook (sự kiện gửi đi)")

    def ready(self):
        """Each audit event of a proposal may enter the outbox, in the transaction that records it (README "Webhooks")."""
        from core.audit import register_audit_listener

        from .outbox import enqueue_for_event

        register_audit_listener(enqueue_for_event)
