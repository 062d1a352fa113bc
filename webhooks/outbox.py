"""From audit events to outbox rows, inside the transaction that records the event (core.audit's listener hook).

Which events are sent is read from the audit event alone, so every service that already writes one is covered:
- "proposal.status_changed": any event that moves a proposal from one status to another (a draft's creation
  is not one: nothing outside knows of a draft);
- "proposal.submitted": the submission (T1);
- "proposal.decided": the head's written decision (approval, override, rejection, referral);
- "document.issued": an event that records the SHA-256 of a document it issued (decisions, minutes,
  directions, the completion report, the conclusion, protection and encouragement letters).
The payload is the proposal's identity and state, never the plan's content.
"""

from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from core.mail import absolute_url
from core.models import AuditEvent
from proposals.models import Proposal
from proposals.transitions import Action

from .models import Delivery, EventType, Subscription
from .tasks import deliver_after_commit

DECIDING = frozenset({Action.APPROVE, Action.OVERRIDE, Action.REJECT, Action.REFER})
# Payload keys under which services record the digest of the document they issued, and of its number.
DOCUMENT_DIGESTS = ("pdf_sha256", "minutes_sha256")
DOCUMENT_NUMBERS = ("number", "minutes")


def event_types(event: AuditEvent) -> list[str]:
    """The webhook event types an audit event of a proposal stands for (none for most)."""
    types = []
    # Not a draft's creation (no "from"): a draft is the proposer's own until it is submitted.
    if event.from_state and event.to_state and event.to_state != event.from_state:
        types.append(EventType.STATUS_CHANGED)
    if event.action == Action.SUBMIT:
        types.append(EventType.SUBMITTED)
    if event.action in DECIDING:
        types.append(EventType.DECIDED)
    if any(event.payload.get(key) for key in DOCUMENT_DIGESTS):
        types.append(EventType.DOCUMENT_ISSUED)
    return types


def _unit(unit: OrgUnit | None) -> dict | None:
    return None if unit is None else {"id": unit.pk, "code": unit.code, "name": unit.name}


def _first(payload: dict, keys) -> str:
    return next((payload[key] for key in keys if payload.get(key)), "")


def payload_for(event: AuditEvent, event_type: str, proposal: Proposal, units: dict[int, OrgUnit]) -> dict:
    """The body's content besides its id: what happened, when, to which proposal (identity and state only)."""
    body = {
        "type": event_type,
        "occurred_at": timezone.localtime(event.occurred_at).isoformat(),
        "sequence": event.seq,
        "action": event.action,
        "from_status": event.from_state,
        "to_status": event.to_state,
        "proposal": {
            "id": proposal.pk,
            "code": proposal.code,
            "title": proposal.title,
            "status": proposal.status,
            "version": proposal.current_version,
            "unit": _unit(units.get(proposal.unit_id)),
            "decision_unit": _unit(units.get(proposal.decision_unit_id)),
            "url": absolute_url(reverse("proposals:detail", args=[proposal.pk])),
        },
    }
    if event_type == EventType.DECIDED:
        body["decision"] = {"kind": event.payload.get("kind", ""), "number": event.payload.get("number", "")}
    if event_type == EventType.DOCUMENT_ISSUED:
        body["document"] = {"number": _first(event.payload, DOCUMENT_NUMBERS),
                            "sha256": _first(event.payload, DOCUMENT_DIGESTS)}
    return body


def _in_scope(subscription: Subscription, paths: list[str]) -> bool:
    """A subscription with a unit sees proposals whose unit or deciding unit is that unit or below it."""
    return subscription.unit is None or any(path.startswith(subscription.unit.path) for path in paths)


def enqueue_for_event(event: AuditEvent, obj) -> None:
    """Write one pending delivery per matching subscription and type; deliver them once the change commits."""
    if not isinstance(obj, Proposal):
        return
    types = event_types(event)
    if not types:
        return
    subscriptions = list(Subscription.objects.filter(active=True).select_related("unit"))
    if not subscriptions:
        return
    units = OrgUnit.objects.in_bulk([pk for pk in (obj.unit_id, obj.decision_unit_id) if pk])
    paths = [unit.path for unit in units.values()]
    now = timezone.now()
    deliveries = []
    for subscription in subscriptions:
        if not _in_scope(subscription, paths):
            continue
        for event_type in types:
            if event_type in subscription.event_types:
                delivery = Delivery(subscription=subscription, event=event, event_type=event_type, next_attempt_at=now)
                delivery.payload = {"id": str(delivery.key), **payload_for(event, event_type, obj, units)}
                deliveries.append(delivery)
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        deliver_after_commit(delivery.pk for delivery in deliveries)
