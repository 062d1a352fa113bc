"""The work inbox and the home page's task box: sections that the stages contribute (core.stages).

Each section is a fixed number of queries whatever the number of rows; a stage's section lists proposals
with what is expected of the user, where on the proposal page to do it, and when it is due.
"""

import dataclasses
import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.stages import stages

from .models import Proposal
from .transitions import AWAITING_PROPOSER, Status


@dataclasses.dataclass
class InboxItem:
    proposal: Proposal | None
    expected: Any  # what the user has to do, in words
    anchor: str  # where on the proposal page it is done
    subtitle: str = ""  # under the title: code, proposer or unit
    context: str = ""  # the value of the section's `context_label` column
    due: datetime.date | None = None
    due_state: str | None = None
    target: Any = None  # the record acted on (a meeting), when not the proposal itself
    # A row about something else than a proposal (an incident about a unit): its own link and title.
    url: str = ""
    title: str = ""


@dataclasses.dataclass
class InboxSection:
    key: str
    heading: Any
    anchor: str
    order: int
    items: list[InboxItem]
    context_label: Any = ""  # an extra column ("Cơ quan, đơn vị", "Ngày họp"); none when empty
    show_status: bool = True
    # The last column: the due date with its badge, or (False) when the proposal was last changed.
    shows_due: bool = True

    @property
    def url(self) -> str:
        """The section on the inbox page: where the home page's task box leads."""
        return f"{reverse('proposals:inbox')}#{self.anchor}"


@dataclasses.dataclass
class Inbox:
    sections: list[InboxSection]

    def __getitem__(self, key: str) -> list[InboxItem]:
        """The items of the section `key`; KeyError for no such section (templates then read attributes)."""
        for section in self.sections:
            if section.key == key:
                return section.items
        raise KeyError(key)

    def __len__(self):
        return sum(len(section.items) for section in self.sections)

    @property
    def filled(self) -> list[InboxSection]:
        return [section for section in self.sections if section.items]


EXPECTED_OF_PROPOSER = {
    # The proposer's turn (`AWAITING_PROPOSER`) in words: the same action, revising, reads differently after a
    # return and after a rejection.
    Status.DRAFT: _("Hoàn thiện và nộp kế hoạch"),
    Status.RETURNED: _("Bổ sung, làm rõ theo yêu cầu rồi nộp lại"),
    Status.REJECTED: _("Xem lý do không chấp thuận; có thể chỉnh sửa để nộp lại"),
}


def proposer_section(*, user, today: datetime.date) -> list[InboxSection]:
    """The user's own drafts and returned or rejected proposals: one query."""
    items = [
        InboxItem(proposal, EXPECTED_OF_PROPOSER[proposal.status], anchor="thao-tac", subtitle=proposal.unit.name)
        for proposal in Proposal.objects.filter(proposer=user, status__in=AWAITING_PROPOSER)
        .select_related("unit")
        .order_by("-updated_at")
    ]
    return [InboxSection(key="mine", heading=_("Đề xuất của tôi cần hoàn thiện"), anchor="cua-toi", order=90,
                         items=items, show_status=True, shows_due=False)]


def inbox_for(*, user, today: datetime.date) -> Inbox:
    """Everything waiting for `user` today, section by section."""
    return Inbox(stages.inbox(user=user, today=today))
