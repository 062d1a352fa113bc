"""The handlers' section of the work inbox: "Phản ánh chờ xử lý" (INC-2).

Two queries whatever the number of rows: the handler's paths, then the incidents waiting (received, being
handled, or a denunciation not yet handed on), oldest first, with their unit and proposal joined, a page at a time.

Each row leads to the incident's own page (`InboxItem.url`), whether it is about a proposal or only a unit; the
home page's task box leads to the handlers' full list ("Phản ánh" → "Cần xử lý").
"""

import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.paging import Key
from proposals.inbox import InboxItem, InboxSection

from .models import Incident
from .selectors import awaiting_handling, handler_paths

PANEL = "phan-anh"  # the incidents section of a proposal page (apps.py)

EXPECTED = {
    Incident.Status.RECEIVED: _("Tiếp nhận, xem xét phản ánh"),
    Incident.Status.HANDLING: _("Tiếp tục xử lý, kết luận phản ánh"),
    Incident.Status.ROUTED: _("Chuyển đơn tố cáo đến cơ quan có thẩm quyền giải quyết"),
}


class IncidentSection(InboxSection):
    """The home page's task box leads to the handlers' full list (incidents about no proposal included)."""

    @property
    def url(self) -> str:
        return f"{reverse('incidents:list')}?xem=can-xu-ly&status=awaiting"


def _item(incident: Incident) -> InboxItem:
    return InboxItem(
        incident.proposal, EXPECTED[incident.status], anchor=PANEL, url=reverse("incidents:detail", args=[incident.pk]),
        title=incident.number, subtitle=f"{incident.number} — {incident.kind_short}", context=incident.unit.name,
        target=incident,
    )


def inbox_sections(*, user, today: datetime.date, held=None) -> list[InboxSection]:
    """The handler's paths now (one query, none from `held`), the incidents waiting when the section is shown (one
    more; none for a person who handles nothing)."""
    paths = handler_paths(user=user, today=today, held=held)

    def rows() -> QuerySet[Incident]:
        return awaiting_handling(user=user, paths=paths).select_related("unit", "proposal").only(
            "kind", "status", "received_at", "unit__name", "proposal__title", "proposal__status", "proposal__updated_at",
        )
    return [IncidentSection(key="incidents", heading=_("Phản ánh chờ xử lý"), anchor="phan-anh-cho-xu-ly", order=60,
                            query=rows, keys=[Key("received_at"), Key("pk")], item=_item,
                            context_label=_("Cơ quan, đơn vị"), show_status=False)]
