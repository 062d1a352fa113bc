"""The append-only, hash-chained event log (spec README §6).

Each event's hash covers its own content and the previous event's hash, so changing, removing or
reordering any past event breaks every link after it. Appends lock the single `AuditChainHead` row,
which serialises writers and keeps `seq` gap-free. `verify_chain` recomputes every link.
"""

import contextlib
import contextvars
import dataclasses
import datetime
import hashlib
import json
from collections.abc import Callable, Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
# Keys every event recorded inside `audit_context` carries besides its own payload.
_context_payload: contextvars.ContextVar[tuple] = contextvars.ContextVar("audit_context_payload", default=())


@contextlib.contextmanager
def audit_context(**payload):
    """Every event recorded inside the block carries `payload` too: the API names the token a service acted
    through (issue 13 §2) without each service learning about tokens."""
    reset = _context_payload.set((*_context_payload.get(), *payload.items()))
    try:
        yield
    finally:
        _context_payload.reset(reset)

# Called with (event, obj) inside the transaction that records the event: a higher app registers one in its
# AppConfig.ready() (as stages do with core.stages) to write rows that must exist iff the change commits, such
# as the webhooks' outbox, without core importing it. A listener that raises rolls the change back.
AuditListener = Callable[[AuditEvent, object], None]
_listeners: list[AuditListener] = []


def register_audit_listener(listener: AuditListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _canonical(value) -> object:
    """What the database gives back for `value`: dates as ISO strings, tuples as lists."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def compute_hash(event: AuditEvent) -> str:
    body = {
        "seq": event.seq,
        "prev": event.prev_hash,
        "at": event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "role": event.role,
        "unit": event.unit_id,
        "object": [event.object_type, event.object_id],
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "payload": event.payload,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# No savepoint of its own (issue 10: two round trips on every write): an event that cannot be recorded rolls back
# the change it records, up to the caller's savepoint, if any.
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    action: str,
    obj,
    actor=None,
    role: str = "",
    unit=None,
    from_state: str = "",
    to_state: str = "",
    payload: dict | None = None,
) -> AuditEvent:
    """Append one event about `obj` (any saved model instance) to the chain and return it."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # the first event of a new database
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=timezone.now(),
        actor=actor,
        actor_name=(actor.get_full_name() if actor is not None else "")[:150],
        role=role,
        unit=unit,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        action=action,
        from_state=from_state,
        to_state=to_state,
        payload=_canonical({**(payload or {}), **dict(_context_payload.get())}),
        prev_hash=head.last_hash or GENESIS_HASH,
    )
    event.hash = compute_hash(event)
    event.save()
    AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    for listener in _listeners:
        listener(event, obj)
    return event


def field_values(obj, fields: Iterable[str]) -> dict[str, object]:
    """`obj`'s values of `fields`, foreign keys as ids: what a deleted record was, for its audit event."""
    return {name: getattr(obj, obj._meta.get_field(name).attname) for name in fields}


def field_changes(before, after, fields: Iterable[str]) -> dict[str, list]:
    """{field: [old, new]} for each of `fields` that differs; `before=None` for a new record.

    Foreign keys are recorded by id: names change later, ids do not. A new record lists only the fields
    that have a value.
    """
    new_values = field_values(after, fields)
    if before is None:
        return {name: [None, value] for name, value in new_values.items() if value not in (None, "")}
    old_values = field_values(before, fields)
    return {name: [old_values[name], value] for name, value in new_values.items() if old_values[name] != value}


@dataclasses.dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def verify_chain(*, chunk_size: int = 2000) -> tuple[int, BrokenLink | None]:
    """Walk the whole chain in order; return (events checked, first broken link or None)."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return checked, BrokenLink(expected_seq, f"missing event: expected #{expected_seq}, found #{event.seq}")
        if event.prev_hash != expected_prev:
            return checked, BrokenLink(event.seq, "link to the previous event does not match")
        if compute_hash(event) != event.hash:
            return checked, BrokenLink(event.seq, "content does not match its hash")
        expected_prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    # The head is the tail's witness: without it, removing the newest events would leave a valid chain.
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if checked:
            return checked, BrokenLink(checked + 1, "the chain head is missing, so the end of the chain is unknown")
        return checked, None
    if head.last_seq != checked:
        return checked, BrokenLink(checked + 1, f"chain head says #{head.last_seq} is the last event")
    if (head.last_hash or GENESIS_HASH) != expected_prev:
        # The last event is self-consistent but is not the one the head recorded: it was replaced.
        return checked - 1, BrokenLink(checked, "the chain head's hash does not match this event")
    return checked, None
