"""The work inbox and the home page's task box: sections that the stages contribute (core.stages).

A section is a query, not a list: its rows (exactly the section's, with only the columns a row shows), the order
they have as seek keys (core.paging) and how a row reads as an item. The inbox page reads the first
`PREVIEW_SIZE` rows of each section, one query per section, with a count bounded at `COUNT_LIMIT` when there are
more; a section alone (`?muc=<key>`) is read a page at a time by keyset. No page reads every row (issue 10).
"""

import dataclasses
import datetime
import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.models import Position
from core.badges import ROWS_COUNTED, section_counts
from core.paging import Key, SeekPage, bounded_count, seek_page
from core.prepared import prepared
from core.stages import stages

from .models import ROW_COLUMNS, Proposal
from .selectors import DUE_BADGES
from .transitions import AWAITING_PROPOSER, STATUS_LABELS, Status

PREVIEW_SIZE = 10  # rows of each section on the inbox page
PAGE_SIZE = 50  # rows of a page of one section alone
COUNT_LIMIT = 100  # a section's count is exact up to here, "hơn 100" beyond



def only_shown(rows: QuerySet, *own: str, through: str = "") -> QuerySet:
    """`rows` with the proposal's unit, proposer and profile joined, reading only `ROW_COLUMNS` of the proposal and
    when it last changed (reached through `through`, e.g. "proposal__" from a meeting), and the row's `own` columns."""
    return rows.select_related(*(f"{through}{relation}" for relation in ("unit", "proposer", "profile"))).only(
        *own, *(f"{through}{column}" for column in (*ROW_COLUMNS, "updated_at"))
    )


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

    @property
    def link(self) -> str:
        """Where the work is done: the row's own link, else the anchor on the proposal page."""
        return self.url or f"{reverse('proposals:detail', args=[self.proposal.pk])}#{self.anchor}"

    @property
    def due_badge(self) -> tuple[str, Any] | None:
        """The due date's badge: its CSS class and label (`{% due_badge %}` draws it), or None."""
        return DUE_BADGES.get(self.due_state)

    @property
    def status_label(self) -> Any:
        """The proposal's status in words, from a dict: `get_status_display` builds the dict of every status again on
        each call."""
        return STATUS_LABELS[self.proposal.status] if self.proposal else ""

    @property
    def context_text(self) -> str:
        """The `context` column as shown: a date in the short format, anything else as it is."""
        if isinstance(self.context, datetime.date):
            return formats.date_format(self.context, "SHORT_DATE_FORMAT")
        return self.context


@dataclasses.dataclass
class InboxSection:
    key: str
    heading: Any
    anchor: str
    order: int
    # Builds the section's rows and no other, reading only what `item` needs: called once, when the rows are first
    # read (`rows`). Most sections are empty on most pages, as the navigation's badge counted them, and building a
    # queryset costs 0.3-1 ms of filters and subqueries: an empty section builds none (issue 10).
    query: Callable[[], QuerySet]
    keys: Sequence[Key]  # the section's order, the last key unique
    item: Callable[[Any], InboxItem]  # one row as the inbox shows it
    context_label: Any = ""  # an extra column ("Cơ quan, đơn vị", "Ngày họp"); none when empty
    show_status: bool = True
    # The last column: the due date with its badge, or (False) when the proposal was last changed.
    shows_due: bool = True
    # How many rows there are, once a first page has read them all: the count then costs no query.
    _all_read: int | None = dataclasses.field(default=None, init=False, repr=False)

    @functools.cached_property
    def rows(self) -> QuerySet:
        return self.query()

    def page(self, *, cursor: str | None = None, size: int | None = None) -> SeekPage:
        """One page of items after `cursor`: one query. BadCursor for a cursor the inbox did not issue."""
        # A first page's SQL, person by person, repeats: planned once per connection (issue 10: 11-13 ms a section).
        with prepared(repeated=cursor is None):
            page = seek_page(self.rows, self.keys, cursor=cursor, size=size or PAGE_SIZE)
        if page.number == 1 and not page.has_next:
            self._all_read = len(page.rows)
        return dataclasses.replace(page, rows=[self.item(row) for row in page.rows])

    @functools.cached_property
    def preview(self) -> SeekPage:
        return self.page(size=PREVIEW_SIZE)

    def known_count(self, rows: int, *, read_at_most: int) -> None:
        """How many rows the section has, counted by another query that read at most `read_at_most` of them (the
        navigation's badge, core.badges.section_counts): its count then costs no query, nor the first page of an
        empty section."""
        if rows < read_at_most or read_at_most > COUNT_LIMIT:
            self._counted = min(rows, COUNT_LIMIT), rows > COUNT_LIMIT
        if not rows:
            self.preview = SeekPage(rows=[], next_cursor=None, number=1)

    @property
    def items(self) -> list[InboxItem]:
        """The first rows, as the inbox page and the home page's task box show them."""
        return self.preview.rows

    @functools.cached_property
    def _counted(self) -> tuple[int, bool]:
        if self._all_read is not None:
            return self._all_read, False
        return bounded_count(self.rows, self.keys, COUNT_LIMIT)

    @property
    def count(self) -> int:
        """How many items, at most `COUNT_LIMIT` (then `count_more`): one query unless a first page read them all
        (read the page first)."""
        return self._counted[0]

    @property
    def count_more(self) -> bool:
        return self._counted[1]

    @property
    def url(self) -> str:
        """The section on the inbox page: where the home page's task box leads."""
        return f"{reverse('proposals:inbox')}#{self.anchor}"

    @property
    def all_url(self) -> str:
        """The section alone, a page at a time ("Xem tất cả")."""
        return f"{reverse('proposals:inbox')}?{urlencode({'muc': self.key})}"


@dataclasses.dataclass
class Inbox:
    sections: list[InboxSection]

    def __getitem__(self, key: str) -> list[InboxItem]:
        """The first items of the section `key`; KeyError for no such section (templates then read attributes)."""
        return self.section(key).items

    def section(self, key: str) -> InboxSection:
        """The section `key`; KeyError for no such section."""
        for section in self.sections:
            if section.key == key:
                return section
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


def proposer_section(*, user, today: datetime.date, held=None) -> list[InboxSection]:
    """The user's own drafts and returned or rejected proposals, the latest changed first."""
    return [InboxSection(
        key="mine", heading=_("Đề xuất của tôi cần hoàn thiện"), anchor="cua-toi", order=90,
        query=lambda: only_shown(Proposal.objects.filter(proposer=user, status__in=AWAITING_PROPOSER)),
        keys=[Key("updated_at", descending=True), Key("pk", descending=True)],
        item=lambda proposal: InboxItem(proposal, EXPECTED_OF_PROPOSER[proposal.status], anchor="thao-tac",
                                        subtitle=proposal.unit.name),
        show_status=True, shows_due=False,
    )]


def units_held(*, user, today: datetime.date, roles, held=None):
    """The units where `user` holds one of `roles` on `today`: a list of ids from `held` (the positions read already,
    so the inbox asks nothing more; an empty list makes the section's query match nothing without reaching the
    database), else a subquery."""
    if held is None:
        return Position.objects.held_on(today).filter(person=user, role__in=roles).values("unit_id")
    return [position.unit_id for position in held if position.role in roles]


def counted_sections(request, *, pending_only: bool = False) -> list[InboxSection]:
    """The signed-in person's inbox sections (core.stages.inbox_of), each with its count read by the navigation's
    badge query: the inbox and the home page read no row of an empty section and count no section again.
    `pending_only`: none at all when every section is empty, so that nothing builds them (a dozen querysets, ~12 ms
    of the home page's time, for most people most days)."""
    counts = section_counts(request)
    if pending_only and not any(counts.values()):
        return []
    sections = stages.inbox_of(request)
    for section in sections:
        section.known_count(counts.get(section.key, 0), read_at_most=ROWS_COUNTED)
    return sections


def inbox_for(*, user, today: datetime.date) -> Inbox:
    """Everything waiting for `user` today, section by section; nothing is read until a section is shown."""
    return Inbox(stages.inbox(user=user, today=today))
