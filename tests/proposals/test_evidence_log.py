"""The proposal's steps in the audit log (spec README §6): each with its states, the chain intact; a refused
step leaves nothing.

The clock stands on Fri 13 Feb 2026 09:00 in Hà Nội, before Tết, where a test asks for `friday` (tests/conftest.py).
"""

import pytest
from django.core.exceptions import ValidationError

from approvals.services import proposal_return
from core.audit import verify_chain
from core.models import AuditEvent
from proposals.services import (
    attachment_add,
    proposal_create_draft,
    proposal_revise,
    proposal_submit,
    proposal_update_draft,
)
from tests.lifecycle import INCOMPLETE, PDF_BYTES, REASONS, draft_proposal, position_of, uploaded_file


def test_every_step_writes_an_audit_event_with_its_states_and_the_chain_verifies(friday, proposer, head):
    proposal = draft_proposal(proposer=proposer)
    proposal_update_draft(proposal=proposal, by=proposer, data={"scope": "Thí điểm tại thành phố Hạ Long."})
    attachment_add(proposal=proposal, by=proposer, uploaded_file=uploaded_file("ke-hoach.pdf", PDF_BYTES))
    proposal_submit(proposal=proposal, by=proposer)
    proposal_return(proposal=proposal, by=head, reasons=REASONS, incomplete_items=INCOMPLETE)
    proposal_revise(proposal=proposal, by=proposer)
    proposal_submit(proposal=proposal, by=proposer)

    events = list(AuditEvent.objects.for_object(proposal).order_by("seq"))
    assert [(e.action, e.actor, e.from_state, e.to_state) for e in events] == [
        ("create", proposer, "", "draft"),
        ("edit", proposer, "", ""),
        ("attach", proposer, "", ""),
        ("submit", proposer, "draft", "submitted"),
        ("return", head, "submitted", "returned"),
        ("revise", proposer, "returned", "draft"),
        ("submit", proposer, "draft", "submitted"),
    ]
    assert [e.payload.get("version") for e in events if e.action == "submit"] == [1, 2]
    assert events[3].payload["review_due"] == "2026-03-03"
    assert verify_chain() == (AuditEvent.objects.count(), None)


def test_a_refused_step_leaves_no_event(friday, proposer, head):
    proposal = proposal_create_draft(by=proposer, position=position_of(proposer), data={"title": "Chưa đủ"})
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        proposal_submit(proposal=proposal, by=proposer)
    assert AuditEvent.objects.count() == before
