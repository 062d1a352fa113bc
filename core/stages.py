"""How stage apps plug into the pages of a proposal without the lower layers importing them.

The layers point one way: core ← accounts ← proposals ← stage apps (approvals today; implementation,
evaluation, reports and the API later). The proposal page, the work inbox, the home page's task box, the
timeline and the navigation still show what every stage contributes: each stage registers a `Stage` here in
its `AppConfig.ready()`, as apps register models with Django's admin or hooks with Wagtail, and those pages
ask the registry. A stage's `order` places its panel among the others; inbox sections and navigation entries
carry their own.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterator
from typing import Any

from django.utils import timezone

from .actions import ActionSpec


@dataclasses.dataclass(frozen=True)
class Panel:
    """A stage's section of the proposal page.

    `context(situation)` returns what `template` reads, under the name `panel`, and may leave in
    `situation.facts` what the stage's predicates read. The stage's actions are offered above its template by
    the page (`proposals.actions.stage_sections`), not by the stage: a stage with no template still gets them.

    `annotations(user, held)` returns expressions the page annotates onto its query of the proposal (`held`: the
    positions `user` holds today), such as whether the stage has any record for this person to read: the panel
    then reads the attribute instead of querying when there is nothing (issue 10 §5, the page in few queries).
    """

    anchor: str
    heading: Any
    context: Callable[..., dict] = lambda situation: {}
    template: str = ""
    annotations: Callable[..., dict] = lambda user, held: {}
    # `notice(situation)`: what the proposal's authors must read first (AuthorNotice) or None; called after `context`,
    # so it reads the records the panel loaded into `situation.facts`.
    notice: Callable[..., Any] = lambda situation: None


@dataclasses.dataclass(frozen=True)
class AuthorNotice:
    """A written answer the proposal's authors must act on (a return's or a rejection's reasons, issue 12 §3): the
    proposal page shows it at the top, to its authors only, with the action the status allows them."""

    heading: Any  # the kind of document: "Văn bản trả lại để bổ sung, làm rõ"
    number: str
    issued_on: datetime.date
    signer: str
    text: str
    url: str = ""  # the document itself
    items: tuple[str, ...] = ()  # what it names as incomplete


@dataclasses.dataclass(frozen=True)
class DossierEntry:
    """One record of a proposal's evidence dossier (spec README §5): a stored document or a short record.

    `pdf()` returns the stored document's bytes as issued (None for a record without a document); `sha256` is
    the digest recorded when it was issued. Entries of every stage are put in order of `at`.
    """

    at: datetime.datetime
    title: Any
    number: str = ""
    sha256: str = ""
    lines: tuple[str, ...] = ()
    pdf: Callable[[], bytes] | None = None


@dataclasses.dataclass(frozen=True)
class NavItem:
    """An entry of the navigation bar (`place` "navbar", signed-in people) or of every page's footer ("footer",
    visitors too): shown when `visible(request)` is true."""

    label: Any
    url_name: str
    order: int
    visible: Callable[[Any], bool] = lambda request: True
    place: str = "navbar"
    # The name of a count shown as a badge next to the entry (a context variable: "tasks_pending").
    badge: str = ""


@dataclasses.dataclass(frozen=True)
class HomeBlock:
    """A section of the home page that an app contributes ("my proposals", the organisation's work).

    `context(request)` returns what `template` reads under the name `block`, or None when the block has nothing for
    this person: it is then left out. Blocks are shown in `order`.
    """

    key: str
    order: int
    template: str
    context: Callable[[Any], dict | None]


@dataclasses.dataclass(frozen=True)
class Stage:
    label: str  # the app label, also the namespace of its URLs
    order: int
    actions: tuple[ActionSpec, ...] = ()
    panel: Panel | None = None
    # `inbox(user, today, held)`: the stage's sections of the work inbox (core.inbox.InboxSection). `held`: the
    # positions `user` holds today when the caller read them already (the navigation's), else None.
    inbox: Callable[..., list] | None = None
    # Labels of the audit actions the stage records that are not status transitions, for the timeline.
    event_labels: dict[str, Any] = dataclasses.field(default_factory=dict)
    # Labels of the roles the stage records in its audit events ("implementer"), for the timeline.
    role_labels: dict[str, Any] = dataclasses.field(default_factory=dict)
    # `scope(user)`: a Q on Proposal admitting more readers of submitted proposals (the implementers assigned).
    scope: Callable[..., Any] | None = None
    # `dossier(proposal)`: the stage's records and documents for the proposal's evidence dossier (DossierEntry).
    dossier: Callable[..., list] | None = None


class Registry:
    def __init__(self):
        self._stages: dict[str, Stage] = {}
        self._nav: list[NavItem] = []
        self._home: list[HomeBlock] = []
        # `positions_of(request)`: the positions the signed-in person holds today, as the navigation read them; set
        # by the app that reads them (proposals), so a page's inbox sections reuse them instead of asking again.
        self.positions_of: Callable[..., list] | None = None

    def register(self, stage: Stage) -> None:
        if stage.label in self._stages:
            raise ValueError(f"Stage {stage.label!r} is registered already.")
        if stage.actions and stage.panel is None:
            raise ValueError(f"Stage {stage.label!r} has actions but no panel to offer them in.")
        names = [action.name for action in stage.actions]
        if len(names) != len(set(names)):
            raise ValueError(f"Stage {stage.label!r} declares an action name twice.")
        for action in stage.actions:
            action.bind(stage.label)
        self._stages[stage.label] = stage

    def unregister(self, label: str) -> None:
        del self._stages[label]

    def __iter__(self) -> Iterator[Stage]:
        return iter(sorted(self._stages.values(), key=lambda stage: (stage.order, stage.label)))

    def get(self, label: str) -> Stage:
        return self._stages[label]

    def event_labels(self) -> dict[str, Any]:
        return {key: label for stage in self for key, label in stage.event_labels.items()}

    def role_labels(self) -> dict[str, Any]:
        return {key: label for stage in self for key, label in stage.role_labels.items()}

    def add_nav(self, *items: NavItem) -> None:
        """Entries of the navigation bar; any app may add them (accounts does: the organisation import)."""
        self._nav.extend(items)

    def nav(self, request, place: str = "navbar") -> list[NavItem]:
        items = (item for item in self._nav if item.place == place and item.visible(request))
        return sorted(items, key=lambda item: item.order)

    def add_home(self, *blocks: HomeBlock) -> None:
        """Sections of the home page; any app may add them."""
        self._home.extend(blocks)

    def home(self, request) -> list[tuple[HomeBlock, dict]]:
        """The home page's blocks that have something for this person, in order, each with its context."""
        shown = ((block, block.context(request)) for block in sorted(self._home, key=lambda block: block.order))
        return [(block, context) for block, context in shown if context is not None]

    def page_annotations(self, *, user, held) -> dict:
        """Every panel's annotations of the proposal page's query (`Panel.annotations`)."""
        return {name: expression for stage in self if stage.panel
                for name, expression in stage.panel.annotations(user=user, held=held).items()}

    def dossier(self, proposal) -> list[DossierEntry]:
        """Every stage's entries of the proposal's evidence dossier, in the order they happened."""
        entries = [entry for stage in self if stage.dossier for entry in stage.dossier(proposal)]
        return sorted(entries, key=lambda entry: entry.at)

    def inbox(self, *, user, today, held: list | None = None) -> list:
        """Every stage's sections of the work inbox, in their order: the inbox page and the home page's task box.
        `held`: the positions `user` holds `today`, when read already."""
        sections = [section for stage in self if stage.inbox
                    for section in stage.inbox(user=user, today=today, held=held)]
        return sorted(sections, key=lambda section: section.order)

    def inbox_of(self, request) -> list:
        """The signed-in person's inbox sections, built once per request: the home page, the inbox page and the
        navigation's badge of pending tasks read the same sections (a stage may query to build its own)."""
        if not hasattr(request, "_inbox_sections"):
            held = self.positions_of(request) if self.positions_of else None
            request._inbox_sections = self.inbox(user=request.user, today=timezone.localdate(), held=held)
        return request._inbox_sections


stages = Registry()
