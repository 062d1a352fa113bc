"""Reads for the deciding unit's side of a proposal page."""

from django.utils import timezone

from accounts.models import Position
from proposals.models import Proposal

from .models import Consultation, Decision, Meeting


def proposal_panel(*, proposal: Proposal, user) -> dict:
    """Context for `approvals/partials/panel.html` on the proposal page: the records and what `user` may do."""
    today = timezone.localdate()
    roles = set()
    if proposal.decision_unit_id:
        roles = set(
            Position.objects.held_on(today)
            .filter(person=user, unit_id=proposal.decision_unit_id)
            .values_list("role", flat=True)
        )
    meetings = list(
        Meeting.objects.filter(proposal=proposal).select_related("chair").prefetch_related("votes__voter", "attendees")
    )
    return {
        "consultations": list(Consultation.objects.filter(proposal=proposal).select_related("recorded_by")),
        "meetings": meetings,
        "open_meeting": next((m for m in meetings if m.state == Meeting.State.OPEN), None),
        "decisions": list(Decision.objects.filter(proposal=proposal).select_related("signer")),
        "is_head": Position.Role.HEAD in roles,
        "is_secretariat": Position.Role.SECRETARIAT in roles,
    }
