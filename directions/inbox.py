"""The directions' section of the work inbox: suspended proposals awaiting the head's next direction."""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from core.paging import Key
from proposals.inbox import InboxItem, InboxSection, only_shown, units_held
from proposals.models import Proposal
from proposals.selectors import NO_DUE_DATE
from proposals.transitions import Status

from .actions import PANEL
from .models import Direction

EXPECTED = _("Quyết định tiếp tục hoặc dừng thực hiện")


def _item(proposal: Proposal) -> InboxItem:
    return InboxItem(proposal, EXPECTED, anchor=PANEL, subtitle=f"{proposal.code} — {proposal.proposer.get_full_name()}",
                     context=proposal.suspended_since)


def inbox_sections(*, user, today: datetime.date, held=None) -> list[InboxSection]:
    """One query: the suspended proposals of the units the user heads today, longest suspended first (IMP-5: a
    suspension lasts until the head decides to continue or to stop)."""
    headed = units_held(user=user, today=today, roles=(Position.Role.HEAD,), held=held)

    def rows() -> QuerySet[Proposal]:
        suspension = Direction.objects.filter(proposal=OuterRef("pk"), kind=Direction.Kind.SUSPEND).order_by("-created_at", "-pk")
        return only_shown(Proposal.objects.filter(status=Status.SUSPENDED, decision_unit_id__in=headed)).annotate(
            suspended_since=Subquery(suspension.values("effective_on")[:1])
        )
    return [InboxSection(key="suspended", heading=_("Đề xuất đang tạm dừng thực hiện"), anchor="tam-dung", order=40,
                         query=rows, keys=[Key("since_key", Coalesce("suspended_since", Value(NO_DUE_DATE))), Key("pk")],
                         item=_item, context_label=_("Tạm dừng từ ngày"), show_status=False, shows_due=False)]
