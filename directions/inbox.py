"""The directions' section of the work inbox: suspended proposals awaiting the head's next direction."""

import datetime

from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from proposals.inbox import InboxItem, InboxSection
from proposals.models import Proposal
from proposals.transitions import Status

from .actions import PANEL
from .models import Direction

EXPECTED = _("Quyết định tiếp tục hoặc dừng thực hiện")


def inbox_sections(*, user, today: datetime.date) -> list[InboxSection]:
    """One query: the suspended proposals of the units the user heads today, longest suspended first (IMP-5: a
    suspension lasts until the head decides to continue or to stop)."""
    headed = Position.objects.held_on(today).filter(person=user, role=Position.Role.HEAD).values("unit_id")
    suspension = Direction.objects.filter(proposal=OuterRef("pk"), kind=Direction.Kind.SUSPEND).order_by("-created_at", "-pk")
    items = [
        InboxItem(proposal, EXPECTED, anchor=PANEL, subtitle=f"{proposal.code} — {proposal.proposer.get_full_name()}",
                  context=proposal.suspended_since)
        for proposal in Proposal.objects.filter(status=Status.SUSPENDED, decision_unit_id__in=headed)
        .select_related("proposer")
        .annotate(suspended_since=Subquery(suspension.values("effective_on")[:1]))
        .order_by(F("suspended_since").asc(nulls_last=True), "pk")
    ]
    return [InboxSection(key="suspended", heading=_("Đề xuất đang tạm dừng thực hiện"), anchor="tam-dung", order=40,
                         items=items, context_label=_("Tạm dừng từ ngày"), show_status=False, shows_due=False)]
