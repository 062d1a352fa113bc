"""Which changes become which events, for which subscriptions (types and unit scope), with what payload."""

import pytest
from django.core.exceptions import ValidationError

from proposals.transitions import Status
from tests.lifecycle import drive_to, submitted_proposal
from webhooks.models import Delivery, EventType, Subscription, validate_receiver_url

from .conftest import make_subscription

ALL_TYPES = list(EventType)


def deliveries(subscription) -> dict[str, dict]:
    return {d.event_type: d.payload for d in Delivery.objects.filter(subscription=subscription).order_by("pk")}


def test_a_decision_is_sent_as_decided_with_its_document_and_the_status_change(db, proposer, head, deputy, leaders):
    everything = make_subscription(url="https://e-office.example.vn/hooks", types=ALL_TYPES)
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    decision = proposal.decisions.get()
    approve = [d for d in Delivery.objects.filter(subscription=everything) if d.payload["action"] == "approve"]
    sent = {d.event_type: d.payload for d in approve}
    assert set(sent) == {EventType.DECIDED, EventType.DOCUMENT_ISSUED, EventType.STATUS_CHANGED}
    assert sent[EventType.DECIDED]["decision"] == {"kind": decision.kind, "number": decision.number}
    assert sent[EventType.DOCUMENT_ISSUED]["document"] == {"number": decision.number, "sha256": decision.pdf_sha256}
    assert sent[EventType.STATUS_CHANGED]["from_status"] == "collective_passed"
    assert sent[EventType.STATUS_CHANGED]["to_status"] == "approved"
    assert sent[EventType.STATUS_CHANGED]["proposal"]["decision_unit"]["code"] == proposal.decision_unit.code
    # The minutes of the vote are a document too; a vote cast is not an event.
    minutes = Delivery.objects.get(subscription=everything, event_type=EventType.DOCUMENT_ISSUED,
                                   payload__action="close_passed")
    assert minutes.payload["document"]["sha256"] == proposal.meetings.get().minutes_sha256
    assert not Delivery.objects.filter(payload__action="vote").exists()


def test_each_subscription_gets_only_the_types_it_chose(db, proposer, leaders):
    submissions = make_subscription(url="https://a.example.vn/", types=[EventType.SUBMITTED])
    statuses = make_subscription(url="https://b.example.vn/", types=[EventType.STATUS_CHANGED])
    decisions = make_subscription(url="https://c.example.vn/", types=[EventType.DECIDED])
    submitted_proposal(proposer=proposer)
    assert list(deliveries(submissions)) == [EventType.SUBMITTED]
    assert list(deliveries(statuses)) == [EventType.STATUS_CHANGED]
    assert deliveries(decisions) == {}
    assert Delivery.objects.values("key").distinct().count() == 2, "one key per event and subscription"


@pytest.mark.parametrize(("scope", "sent"), [("department", True), ("province", True), ("other", False)])
def test_a_subscription_with_a_unit_sees_that_unit_and_the_units_below_it(db, proposer, leaders, units, scope, sent):
    subscription = make_subscription(url="https://e-office.example.vn/", unit=units[scope])
    submitted_proposal(proposer=proposer)
    assert Delivery.objects.filter(subscription=subscription).exists() is sent


def test_the_payload_names_the_proposal_and_never_carries_the_plan(db, proposer, leaders):
    subscription = make_subscription(url="https://e-office.example.vn/")
    proposal = submitted_proposal(proposer=proposer)
    payload = Delivery.objects.get(subscription=subscription).payload
    assert set(payload) == {"id", "type", "occurred_at", "sequence", "action", "from_status", "to_status", "proposal"}
    assert set(payload["proposal"]) == {"id", "code", "title", "status", "version", "unit", "decision_unit", "url"}
    assert payload["proposal"]["unit"] == {"id": proposal.unit.pk, "code": proposal.unit.code, "name": proposal.unit.name}
    assert payload["occurred_at"].endswith("+07:00")


def test_changes_that_are_not_about_a_proposal_queue_nothing(db, admin_user):
    from webhooks.services import subscription_save

    subscription_save(subscription=Subscription(name="Hệ thống", url="https://x.example.vn/", event_types=ALL_TYPES),
                      by=admin_user)
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("url", ["https://e-office.example.vn/hooks", "http://127.0.0.1:8080/", "http://localhost/",
                                 "http://[::1]:9000/x"])
def test_receivers_use_https_or_loopback(url):
    validate_receiver_url(url)


@pytest.mark.parametrize("url", ["http://e-office.example.vn/hooks", "ftp://127.0.0.1/", "https://user:pw@x.example.vn/"])
def test_other_receivers_are_refused(url):
    with pytest.raises(ValidationError):
        validate_receiver_url(url)


def test_plain_http_is_accepted_where_the_deployment_allows_it(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    validate_receiver_url("http://e-office.internal/hooks")


def test_the_outbox_costs_one_query_per_proposal_event_and_three_with_subscribers(
    db, proposer, leaders, django_assert_num_queries
):
    from core.models import AuditEvent
    from webhooks.outbox import enqueue_for_event

    proposal = submitted_proposal(proposer=proposer)
    event = AuditEvent.objects.get(action="submit")
    with django_assert_num_queries(1):  # the active subscriptions: none
        enqueue_for_event(event, proposal)
    make_subscription(url="https://a.example.vn/", types=ALL_TYPES)
    make_subscription(url="https://b.example.vn/", types=ALL_TYPES)
    # The active subscriptions with their units; the proposal's two units; one INSERT of every delivery.
    with django_assert_num_queries(3):
        enqueue_for_event(event, proposal)
    assert Delivery.objects.count() == 4
    creation = AuditEvent.objects.get(action="create")
    with django_assert_num_queries(0):  # not an event that is sent: no query at all
        enqueue_for_event(creation, proposal)
