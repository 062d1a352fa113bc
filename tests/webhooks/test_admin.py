"""Administrators manage subscriptions (the secret shown once, never logged) and read and re-queue the outbox."""

import pytest
from django.contrib.admin import helpers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import staff_with
from tests.lifecycle import as_, submitted_proposal
from webhooks.models import Delivery, DeliveryAttempt, Subscription

from .conftest import make_subscription

ADD = "admin:webhooks_subscription_add"


def form(**overrides) -> dict:
    return {"name": "Hệ thống quản lý văn bản", "url": "https://e-office.example.vn/hooks",
            "event_types": ["proposal.submitted", "proposal.decided"], "unit": "", "active": "on", **overrides}


def test_a_new_subscriptions_secret_is_shown_once_and_never_logged(admin_user):
    client = as_(admin_user)
    page = client.post(reverse(ADD), form())
    subscription = Subscription.objects.get()
    assert page.status_code == 200 and subscription.secret in page.content.decode()
    assert subscription.event_types == ["proposal.submitted", "proposal.decided"]
    change = client.get(reverse("admin:webhooks_subscription_change", args=[subscription.pk])).content.decode()
    assert subscription.secret not in change
    event = AuditEvent.objects.get(action="webhook_subscription_create")
    assert event.actor == admin_user and subscription.secret not in str(event.payload)
    assert event.payload["changes"]["url"] == [None, "https://e-office.example.vn/hooks"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("url", "http://e-office.example.vn/hooks", "Địa chỉ nhận phải dùng https."),
    ("event_types", [], "Trường này là bắt buộc."),
    ("event_types", ["proposal.deleted"], "proposal.deleted không phải là một trong các lựa chọn"),
])
def test_a_wrong_subscription_is_refused_next_to_its_field(admin_user, field, value, message):
    page = as_(admin_user).post(reverse(ADD), form(**{field: value}))
    assert page.status_code == 200 and message in page.content.decode()
    assert not Subscription.objects.exists()


def test_rotating_a_secret_shows_the_new_one_once_and_logs_only_the_fact(admin_user):
    subscription = make_subscription(url="https://e-office.example.vn/")
    old = subscription.secret
    page = as_(admin_user).post(reverse("admin:webhooks_subscription_changelist"),
                                {"action": "rotate_secret", helpers.ACTION_CHECKBOX_NAME: [subscription.pk]})
    subscription.refresh_from_db()
    assert subscription.secret != old and subscription.secret in page.content.decode()
    event = AuditEvent.objects.get(action="webhook_secret_rotate")
    assert event.payload == {} and event.object_id == str(subscription.pk)


def test_subscriptions_are_switched_off_not_deleted_and_need_the_permission(admin_user):
    subscription = make_subscription(url="https://e-office.example.vn/")
    assert as_(admin_user).get(reverse("admin:webhooks_subscription_delete", args=[subscription.pk])).status_code == 403
    reader = staff_with("doc", "webhooks.view_subscription")
    assert as_(reader).post(reverse(ADD), form()).status_code == 403
    assert subscription.secret not in as_(reader).get(
        reverse("admin:webhooks_subscription_change", args=[subscription.pk])).content.decode()


def test_a_failed_delivery_is_requeued_by_an_administrator_and_sent_with_the_same_key(
    subscription, receiver, proposer, leaders, admin_user, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        submitted_proposal(proposer=proposer)
    Delivery.objects.update(status=Delivery.Status.FAILED, attempts=3)
    delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(admin_user).post(reverse("admin:webhooks_delivery_changelist"),
                                        {"action": "requeue", helpers.ACTION_CHECKBOX_NAME: [delivery.pk]})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 1
    assert receiver.keys() == [str(delivery.key)]
    assert AuditEvent.objects.get(action="webhook_requeue").payload == {
        "key": str(delivery.key), "subscription": subscription.pk}


def test_requeueing_needs_the_permission_and_touches_only_failed_deliveries(subscription, proposer, leaders):
    submitted_proposal(proposer=proposer)
    delivery = Delivery.objects.get()
    reader = staff_with("doc", "webhooks.view_delivery")
    as_(reader).post(reverse("admin:webhooks_delivery_changelist"),
                     {"action": "requeue", helpers.ACTION_CHECKBOX_NAME: [delivery.pk]})
    assert not AuditEvent.objects.filter(action="webhook_requeue").exists()


def test_the_outbox_and_its_log_are_read_only_in_a_constant_number_of_queries(
    subscription, receiver, proposer, leaders, admin_user, celery_eager,
    django_capture_on_commit_callbacks
):
    client = as_(admin_user)
    counts = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            submitted_proposal(proposer=proposer)
        with CaptureQueriesContext(connection) as captured:
            for name in ("delivery", "deliveryattempt"):
                assert client.get(reverse(f"admin:webhooks_{name}_changelist")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], "one more row costs no query"
    attempt = DeliveryAttempt.objects.first()
    page = client.get(reverse("admin:webhooks_delivery_change", args=[attempt.delivery_id]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:webhooks_delivery_add")).status_code == 403
