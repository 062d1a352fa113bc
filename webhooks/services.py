"""What administrators change about webhooks: subscriptions, their secrets, and re-queueing failed deliveries.

Checked against Django's model permissions and written to the audit log like every other change; a secret never
enters the log (only that it was replaced).
"""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record, field_changes
from core.permissions import require_model_permission

from .models import Delivery, Subscription, new_secret
from .tasks import deliver_after_commit

SUBSCRIPTION_FIELDS = ("name", "url", "event_types", "unit", "active")
ADMIN_ROLE = "admin"


@transaction.atomic
def subscription_save(*, subscription: Subscription, by) -> Subscription:
    """Add or change a subscription; a new one gets its secret from the model's default."""
    before = Subscription.objects.select_for_update().filter(pk=subscription.pk).first() if subscription.pk else None
    require_model_permission(user=by, permission="webhooks.change_subscription" if before else "webhooks.add_subscription")
    subscription.full_clean()
    changes = field_changes(before, subscription, SUBSCRIPTION_FIELDS)
    if before is not None and not changes:
        return subscription
    subscription.save()
    audit_record(action="webhook_subscription_update" if before else "webhook_subscription_create",
                 obj=subscription, actor=by, role=ADMIN_ROLE, payload={"changes": changes})
    return subscription


@transaction.atomic
def subscription_rotate_secret(*, subscription: Subscription, by) -> str:
    """Replace the secret (after a leak, or when the receiver changes hands) and return the new one, to show once.
    Deliveries not yet sent are signed with the new secret."""
    require_model_permission(user=by, permission="webhooks.change_subscription")
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    audit_record(action="webhook_secret_rotate", obj=subscription, actor=by, role=ADMIN_ROLE)
    return subscription.secret


@transaction.atomic
def deliveries_requeue(*, deliveries, by) -> int:
    """Give failed deliveries a new round of attempts, from now, with the same Idempotency-Key. Returns how many."""
    require_model_permission(user=by, permission="webhooks.change_delivery")
    failed = list(deliveries.filter(status=Delivery.Status.FAILED).select_for_update().order_by("pk"))
    for delivery in failed:
        delivery.status, delivery.attempts, delivery.next_attempt_at = Delivery.Status.PENDING, 0, timezone.now()
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_record(action="webhook_requeue", obj=delivery, actor=by, role=ADMIN_ROLE,
                     payload={"key": str(delivery.key), "subscription": delivery.subscription_id})
    deliver_after_commit(delivery.pk for delivery in failed)
    return len(failed)
