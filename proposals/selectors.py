"""Reads about proposals. Every user-dependent read goes through `proposal_scope_q` (style.md §3).

The list is a fixed number of queries whatever the number of rows.
"""

import dataclasses
import datetime

from django.db.models import JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Position, User, in_subtrees
from accounts.selectors import positions_of
from core import folding, workdays
from core.models import AuditEvent
from core.paging import Key
from core.stages import stages
from core.text import fold, vietnamese_order

from .models import NO_DUE_DATE, ROW_COLUMNS, Attachment, LegalProfile, PlanContent, PlanVersion, Proposal
from .transitions import (
    EDITABLE_STATUSES,
    REVIEW_DEADLINE_RUNNING,
    STATUS_LABELS,
    Action,
)


def proposal_for_user(*, user, pk: int, prefetch=(), held=None, annotations=None) -> Proposal:
    """The proposal if `user` may see it; Http404 otherwise, the same answer as "does not exist". `held`: the
    positions `user` holds today, when the page has them (proposals.scope); `annotations`: what the page reads
    along with the proposal rather than by queries of its own."""
    try:
        return (
            Proposal.objects.visible_to(user, held)
            .select_related("unit", "decision_unit", "proposer", "proposer_position", "profile")
            .annotate(**(annotations or {}))
            .prefetch_related(*prefetch)
            .get(pk=pk)
        )
    except Proposal.DoesNotExist:
        raise Http404 from None


def authored_proposal(*, user, pk: int) -> Proposal | None:
    """The proposal `pk` with its unit if `user` is its proposer, else None: one lookup by key, without the scoping
    rule's positions and subqueries, since a proposer sees their own proposals whatever else the rule says
    (proposals.scope). The proposer's pages and actions read it first (issue 10); anyone else goes through
    `proposal_for_user`."""
    proposal = Proposal.objects.filter(pk=pk, proposer=user).select_related("unit").first()
    if proposal is not None:
        proposal.proposer = user
    return proposal


# --- The legal profile and who may propose under it ----------------------------------------------------------

DEFAULT_PROFILE_CODE = "ND73_2023"


def profiles_in_force(*, code: str = DEFAULT_PROFILE_CODE, on_date: datetime.date) -> QuerySet[LegalProfile]:
    """The versions of `code` in force on `on_date`, newest (the one that applies) first."""
    return LegalProfile.objects.filter(code=code, effective_from__lte=on_date).order_by("-version")


def current_profile(*, code: str = DEFAULT_PROFILE_CODE, on_date: datetime.date | None = None) -> LegalProfile:
    """The newest version of the legal profile in force on `on_date` (today by default).

    Version 1 comes from the data migration (0002) and versions are never deleted, so there is always one
    from 29/09/2023; a database without it is broken, and this raises `LegalProfile.DoesNotExist`.
    """
    on_date = on_date or timezone.localdate()
    profile = profiles_in_force(code=code, on_date=on_date).first()
    if profile is None:
        raise LegalProfile.DoesNotExist(f"No version of the legal profile {code} is in force on {on_date}.")
    return profile


def positions_eligible_to_propose(*, user, profile: LegalProfile, on_date: datetime.date) -> QuerySet[Position]:
    """The positions `user` holds on `on_date` whose Art. 2 category may propose under `profile`."""
    return positions_of(person=user, on_date=on_date).filter(category__in=profile.eligible_categories)


def positions_held_with_eligibility(*, user, on_date: datetime.date) -> list[Position]:
    """The positions `user` holds on `on_date`, each with `may_propose` under the profile in force: one query.

    The navigation bar of every page needs both; the profile's categories ride along as a subquery rather
    than costing every page a query of their own. The rule is the one of `positions_eligible_to_propose`.
    """
    categories = Subquery(profiles_in_force(on_date=on_date).values("eligible_categories")[:1], output_field=JSONField())
    positions = list(positions_of(person=user, on_date=on_date).annotate(profile_categories=categories))
    for position in positions:
        position.may_propose = position.category in (position.profile_categories or ())
    return positions


# --- Due dates ---------------------------------------------------------------------------------------------


class DueState:
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


# Each state's badge: its CSS class and its label (drawn by proposals.templatetags.due).
DUE_BADGES = {
    DueState.OVERDUE: ("badge-due-overdue", _("Quá hạn")),
    DueState.DUE_SOON: ("badge-due-soon", _("Sắp đến hạn")),
    DueState.ON_TIME: ("badge-due-ontime", _("Trong hạn")),
}


class DueBadges:
    """On time / due soon / overdue for open steps (spec README §4), for a whole list in O(1) queries.

    "Due soon" means the due date is within `soon_wd` working days from today; the threshold date is
    computed once per distinct `soon_wd`, not once per row.
    """

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self._soon_limit: dict[int, datetime.date] = {}

    def state(self, *, due: datetime.date | None, soon_wd: int) -> str | None:
        if due is None:
            return None
        if self.today > due:
            return DueState.OVERDUE
        if soon_wd not in self._soon_limit:
            self._soon_limit[soon_wd] = workdays.add_working_days(self.today, soon_wd)
        return DueState.DUE_SOON if due <= self._soon_limit[soon_wd] else DueState.ON_TIME


def due_state(badges: DueBadges, proposal: Proposal) -> str | None:
    """The badge of the review deadline while it runs (until the collective meets); None otherwise."""
    if proposal.status not in REVIEW_DEADLINE_RUNNING or proposal.profile_id is None:
        return None
    return badges.state(due=proposal.review_due, soon_wd=proposal.profile.due_soon_wd)


# --- One proposal: what its page shows to whom ---------------------------------------------------------------


CO_AUTHOR_ORDER = ("full_name", "pk")


def proposal_page_prefetch() -> tuple[Prefetch, ...]:
    """The relations the detail page reads, so that the rules below read them from memory, not per call."""
    return (
        Prefetch("co_authors", queryset=User.objects.order_by(*CO_AUTHOR_ORDER)),
        Prefetch("versions", queryset=PlanVersion.objects.select_related("submitted_by").order_by("number")),
    )


# The same relations read with the proposal page's own query (core.folding), rather than by two queries of their own.
PAGE_FOLDS = {
    "co_authors": folding.Fold(
        Proposal.co_authors.through.objects.filter(proposal=OuterRef("pk")).order_by(
            *(f"user__{key}" for key in CO_AUTHOR_ORDER)),
        related=("user",),
    ),
    "versions": folding.Fold(PlanVersion.objects.filter(proposal=OuterRef("pk")).order_by("number"),
                             related=("submitted_by",)),
    # The page's timeline (`proposal_timeline`).
    "events": folding.Fold(AuditEvent.objects.for_outer(Proposal).order_by("seq"), related=("unit",)),
}


def page_annotations() -> dict:
    """The annotations of the proposal page's query that carry its co-authors, versions and audit events
    (`load_page_relations`)."""
    return folding.annotations(PAGE_FOLDS)


def load_page_relations(proposal: Proposal) -> list[AuditEvent]:
    """Put the co-authors and versions that the page's query carried (`page_annotations`) where the rules below
    read them, as `proposal_page_prefetch` would; return its audit events, for `proposal_timeline`."""
    read = folding.unfold(proposal, PAGE_FOLDS)
    folding.prefetched(proposal, "co_authors", [link.user for link in read["co_authors"]])
    folding.prefetched(proposal, "versions", read["versions"])
    return read["events"]


def co_authors_of(proposal: Proposal) -> list[User]:
    """The co-authors by name: those the page prefetched (`proposal_page_prefetch`), else one query."""
    if "co_authors" in getattr(proposal, "_prefetched_objects_cache", {}):
        return list(proposal.co_authors.all())
    return list(proposal.co_authors.order_by(*CO_AUTHOR_ORDER))


def is_author(*, proposal: Proposal, user) -> bool:
    """The proposer or a co-author (uses prefetched co-authors when there are)."""
    return proposal.proposer_id == user.pk or any(person.pk == user.pk for person in proposal.co_authors.all())


def plan_shown_to(*, proposal: Proposal, user) -> PlanContent | None:
    """The plan `user` reads: the working copy for authors while it is editable, else the version last submitted.

    Everyone else reads only what was submitted; a plan never submitted is seen by its authors alone.
    """
    current = plan_version(proposal, proposal.current_version)
    if proposal.status in EDITABLE_STATUSES and (current is None or is_author(proposal=proposal, user=user)):
        return proposal
    return current


def plan_version(proposal: Proposal, number: int | None) -> PlanVersion | None:
    """Version `number` of the plan, from the versions the page prefetched (`proposal_page_prefetch`) when it did."""
    return next((version for version in proposal.versions.all() if version.number == number), None) if number else None


def attachment_removable(*, proposal: Proposal, attachment: Attachment) -> bool:
    """A file may be removed while the plan is editable and until it is submitted with a version: submitted
    files are evidence and stay, even when the plan is reopened for the next version."""
    return proposal.status in EDITABLE_STATUSES and attachment.version is None and attachment.removed_at is None


def attachments_visible_to(*, proposal: Proposal, user) -> QuerySet[Attachment]:
    """Authors see the files of the draft too; everyone else only the files submitted with a version."""
    attachments = proposal.attachments.filter(removed_at__isnull=True)
    if not is_author(proposal=proposal, user=user):
        attachments = attachments.filter(version__isnull=False)
    return attachments


# The proposer's audit actions that are not status transitions; the stages add theirs (core.stages).
EVENT_LABELS = {
    "create": _("Tạo dự thảo kế hoạch"),
    "edit": _("Chỉnh sửa dự thảo kế hoạch"),
    "attach": _("Đính kèm tệp"),
    "detach": _("Gỡ bỏ tệp đính kèm"),
}
ROLE_LABELS = {"proposer": _("Cán bộ đề xuất")}


def proposal_timeline(proposal: Proposal, events: list[AuditEvent] | None = None) -> list[dict]:
    """The "Diễn biến" of a proposal from the audit log, with Vietnamese labels for actions, roles and states.
    `events`: the proposal's audit events with their units, in order, when the page read them (`load_page_relations`)."""
    actions = {**dict(Action.choices), **EVENT_LABELS, **stages.event_labels()}
    roles = {**dict(Position.Role.choices), **ROLE_LABELS, **stages.role_labels()}
    if events is None:
        events = AuditEvent.objects.for_object(proposal).select_related("unit").order_by("seq")
    rows = []
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        rows.append({
            "event": event,
            "action": actions.get(event.action, event.action),
            "role": roles.get(event.role, event.role),
            "from_state": STATUS_LABELS.get(event.from_state, ""),
            "to_state": STATUS_LABELS.get(event.to_state, ""),
            "file_name": payload.get("name", "") if event.action in ("attach", "detach") else "",
            "version": payload.get("version") if event.action == Action.SUBMIT else None,
        })
    return rows


# --- Proposal list -----------------------------------------------------------------------------------------

# The columns a row of the list shows (templates/proposals/list.html): a list row's, the field and the receipt date.
LIST_COLUMNS = (*ROW_COLUMNS, "field", "received_on")
# Search needs this many letters: shorter words have no trigram, so no index could find them.
SEARCH_MIN_LENGTH = 3


def sort_keys(sort: str) -> list[Key]:
    """The list's orders as seek keys (core.paging), each matched by an index of migration 0009."""
    newest = [Key("created_at", descending=True), Key("pk", descending=True)]
    if sort == "due":
        return [Key("due_key", Coalesce("review_due", Value(NO_DUE_DATE))), *newest]
    if sort == "title":
        return [Key("title_key", vietnamese_order("title")), Key("pk")]
    return newest


def search_words(q: str) -> list[str]:
    """The folded words of a search: "Cải  cách" → ["cai", "cach"]."""
    return fold(q).split()


@dataclasses.dataclass
class ProposalList:
    """The list's proposals (`matches`, counted) and the same rows as `core.paging.seek_tiers` reads them a page at
    a time: `tiers` of relevance (one without a search, or when the user chose an order) in the order of `keys`."""

    matches: QuerySet[Proposal]
    tiers: list[QuerySet[Proposal]]
    keys: list[Key]


def search_tiers(proposals: QuerySet[Proposal], q: str) -> tuple[QuerySet[Proposal], list[QuerySet[Proposal]]]:
    """The proposals matching every word of `q`, and the same ranked: those with the words side by side as typed
    first, then the others (issue 10, item 3).

    `search_text` is the folded copy of code, title and main contents, so "cai cach" finds "cải cách"; on
    PostgreSQL a trigram index (migration 0009) answers `LIKE '%…%'` on it. Each tier is a plain filter that
    keeps the list's order and its index, rather than a score computed for every match and sorted."""
    words = search_words(q)
    for word in words:
        proposals = proposals.filter(search_text__contains=word)
    if len(words) < 2:
        return proposals, [proposals]
    phrase = " ".join(words)
    return proposals, [proposals.filter(search_text__contains=phrase), proposals.exclude(search_text__contains=phrase)]


def proposal_list(*, user, today: datetime.date, q: str = "", unit=None, status: str = "", field: str = "",
                  year: int | None = None, overdue: bool = False, sort: str = "", held=None) -> ProposalList:
    """The proposals `user` may see (`held`: their positions today, if at hand), filtered and ordered as the list's
    GET form asks: with a search and no order chosen (`sort` ""), the most relevant first, then the newest."""
    proposals = Proposal.objects.visible_to(user, held).select_related("unit", "proposer", "profile").only(*LIST_COLUMNS)
    if unit is not None:
        proposals = proposals.filter(unit_id__in=OrgUnit.objects.filter(in_subtrees([unit.path])).values("pk"))
    if status:
        proposals = proposals.filter(status=status)
    if field:
        proposals = proposals.filter(field=field)
    if year:
        proposals = proposals.filter(Q(received_on__year=year) | Q(received_on__isnull=True, created_at__year=year))
    if overdue:
        proposals = proposals.filter(status__in=REVIEW_DEADLINE_RUNNING, review_due__lt=today)
    matches, tiers = search_tiers(proposals, q) if q else (proposals, [proposals])
    return ProposalList(matches, tiers if not sort else [matches], sort_keys(sort))
