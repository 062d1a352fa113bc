"""core.audit calls the listeners a higher app registers, inside the transaction that records the event."""

import pytest
from django.db import transaction

from core import audit
from core.models import AuditEvent


@pytest.fixture
def listeners(monkeypatch) -> list:
    """Only this test's listeners (the webhooks app's stays registered outside it)."""
    registered: list = []
    monkeypatch.setattr(audit, "_listeners", registered)
    return registered


def test_a_listener_sees_each_event_and_its_object_once(listeners, department, head):
    seen = []
    audit.register_audit_listener(lambda event, obj: seen.append((event.seq, obj)))
    audit.register_audit_listener(listeners[0])  # registering twice (a ready() run twice) calls it once
    event = audit.audit_record(action="test_event", obj=department, actor=head)
    assert seen == [(event.seq, department)]


def test_a_listener_that_fails_rolls_the_event_back_with_the_change(listeners, department, head):
    def refuse(event, obj):
        raise RuntimeError("outbox unavailable")

    audit.register_audit_listener(refuse)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.audit_record(action="test_event", obj=department, actor=head)
    assert not AuditEvent.objects.filter(action="test_event").exists()
