"""The handlers' section of the work inbox: "Phản ánh chờ xử lý" (INC-2).

Two queries whatever the number of rows: the handler's paths, then the incidents waiting (received, being
handled, or a denunciation not yet handed on), oldest first, with their unit and proposal joined.

An inbox row links to a proposal's page (`proposals.inbox.InboxItem`); an incident about a proposal is listed
with it, and its row leads to the proposal's "Phản ánh" section. An incident about no proposal needs a row that
links elsewhere: it is listed once `InboxItem` takes a `url` (and a `title`), and is always in the handlers'
list ("Phản ánh" → "Cần xử lý"), where the home page's task box leads.
"""

import dataclasses
import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from proposals.inbox import InboxItem, InboxSection

from .models import Incident
from .selectors import awaiting_handling, handler_paths

PANEL = "phan-anh"  # the incidents section of a proposal page (apps.py)
LINKS_ANYWHERE = {"url", "title"} <= {field.name for field in dataclasses.fields(InboxItem)}

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


def _item(incident: Incident) -> InboxItem | None:
    common = {"expected": EXPECTED[incident.status], "subtitle": f"{incident.number} — {incident.kind_short}",
              "context": incident.unit.name, "target": incident}
    if LINKS_ANYWHERE:
        return InboxItem(incident.proposal, anchor=PANEL, url=reverse("incidents:detail", args=[incident.pk]),
                         title=incident.number, **common)
    if incident.proposal is None:
        return None
    return InboxItem(incident.proposal, anchor=PANEL, **common)


def inbox_sections(*, user, today: datetime.date) -> list[InboxSection]:
    paths = handler_paths(user=user, today=today)
    items = [item for item in map(_item, awaiting_handling(user=user, paths=paths).select_related("unit", "proposal"))
             if item is not None]
    return [IncidentSection(key="incidents", heading=_("Phản ánh chờ xử lý"), anchor="phan-anh-cho-xu-ly", order=60,
                            items=items, context_label=_("Cơ quan, đơn vị"), show_status=False)]
