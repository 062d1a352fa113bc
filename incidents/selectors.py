"""Reads of incidents, supervision records and the register. Every user-dependent read goes through one scoping
function per record type (style.md §3): `incidents_visible_to`, `supervision_visible_to`, `register_visible_to`.
Out of scope is a 404, the same answer as "does not exist".

Lists are paged by key ("Trang sau"), never counted: a fixed number of queries whatever the number of rows.
"""

import dataclasses
import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit, Position, in_subtrees
from accounts.permissions import unit_paths_held
from proposals.models import Proposal

from . import rules
from .models import Incident, RegisterEntry, SupervisionRecord

PAGE_SIZE = 20

# --- Incidents (INC-3, spec README §3) ---------------------------------------------------------------------------


def handler_paths(*, user, today: datetime.date | None = None, held=None) -> list[str]:
    """The paths of the units where `user` holds an inspector position today: one query, none from `held` (the
    positions `user` holds today, units joined, as the navigation read them)."""
    if not user.is_authenticated:
        return []
    if held is not None:
        return [position.unit.path for position in held if position.role == Position.Role.INSPECTOR]
    held = Position.objects.held_on(today or timezone.localdate()).filter(person=user, role=Position.Role.INSPECTOR)
    return list(OrgUnit.objects.filter(pk__in=held.values("unit_id")).values_list("path", flat=True))


def handled_by_q(user, paths: list[str]) -> Q:
    """Incidents a handler with inspector posts at `paths` handles: in those subtrees, not naming them."""
    return in_subtrees(paths, field="unit__path") & ~Q(reported_people=user)


def incidents_visible_to(user, *, paths: list[str] | None = None) -> QuerySet[Incident]:
    """Who sees an incident: its reporter (signed in), and its handlers — inspectors of its unit or a unit above
    it — unless the incident names them. The person reported, a head who is not a handler and everyone else see
    nothing (README §3: reported confidentially to the inspectors of the unit's subtree; INC-3).

    One query for the handler's paths (none when `paths` is given), then the incidents' own query.
    """
    if not user.is_authenticated:
        return Incident.objects.none()
    paths = handler_paths(user=user) if paths is None else paths
    scope = Q(reporter=user)
    if paths:
        scope |= handled_by_q(user, paths)
    return Incident.objects.filter(scope)


def incident_for_user(*, user, pk: int, paths: list[str] | None = None) -> Incident:
    """The incident if `user` may see it; Http404 otherwise, the same answer as "does not exist"."""
    try:
        return (incidents_visible_to(user, paths=paths)
                .select_related("unit", "proposal", "reporter", "taken_up_by", "closed_by").get(pk=pk))
    except Incident.DoesNotExist:
        raise Http404 from None


def handles(*, incident: Incident, user, paths: list[str]) -> bool:
    """Whether `user` (inspector posts at `paths`) is a handler of this incident they may already see.

    `incidents_visible_to` left out incidents naming a handler unless they reported it themselves: only then is
    the question asked of the database."""
    if not any(incident.unit.path.startswith(path) for path in paths):
        return False
    return incident.reporter_id != user.pk or not rules.is_named_in(incident, user)


# The statuses that wait for a handler: received or being handled; a routed denunciation until it is handed on.
AWAITING = Q(status__in=[Incident.Status.RECEIVED, Incident.Status.HANDLING]) | Q(
    status=Incident.Status.ROUTED, forwarded_on__isnull=True
)


def awaiting_handling(*, user, paths: list[str]) -> QuerySet[Incident]:
    """What the handler has to deal with, oldest first."""
    if not paths:
        return Incident.objects.none()
    return incidents_visible_to(user, paths=paths).filter(handled_by_q(user, paths)).filter(AWAITING).order_by(
        "received_at", "pk")


@dataclasses.dataclass
class KeysetPage:
    """One page of a list paged by descending id: `rows`, and the id to continue after (None: last page)."""

    rows: list
    after: int | None
    first: bool


def keyset_page(queryset: QuerySet, *, after: int | None, size: int = PAGE_SIZE) -> KeysetPage:
    """The `size` rows below `after` by descending id, and whether more follow: one query, no COUNT."""
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    rows = list(queryset.order_by("-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows=rows, after=rows[-1].pk if more else None, first=after is None)


def incident_list(*, user, mine: bool, paths: list[str], status: str = "", kind: str = "", unit: OrgUnit | None = None,
                  after: int | None = None) -> KeysetPage:
    """The reporter's own reports (`mine`), or the incidents the user handles; filtered; one page, one query.

    Reported people are not read here: a list shows the kind, unit, proposal and status only."""
    visible = incidents_visible_to(user, paths=paths)
    if mine:
        incidents = visible.filter(reporter=user)
    elif paths:
        incidents = visible.filter(handled_by_q(user, paths))
    else:
        incidents = Incident.objects.none()
    if status == "awaiting":
        incidents = incidents.filter(AWAITING)
    elif status:
        incidents = incidents.filter(status=status)
    if kind:
        incidents = incidents.filter(kind=kind)
    if unit is not None:
        incidents = incidents.filter(in_subtrees([unit.path], field="unit__path"))
    return keyset_page(incidents.select_related("unit", "proposal"), after=after)


def proposal_annotations(*, user, held) -> dict:
    """`incidents_seen`: whether the person may see any incident about the proposal, read with the proposal page's
    own query (issue 10 §5): most proposals have none, and their panel then costs no query."""
    paths = [position.unit.path for position in held if position.role == Position.Role.INSPECTOR]  # as `handler_paths`
    return {"incidents_seen": Exists(incidents_visible_to(user, paths=paths).filter(proposal=OuterRef("pk")))}


def proposal_panel(situation) -> dict:
    """The incidents section of a proposal page: a link to report one about the proposal, and the incidents
    about it that the person may see (their own reports; all of them for its handlers). A person the incident
    names never sees it here either. Queries: the incidents (1), none when the page's query of the proposal
    tells there is none (`proposal_annotations`); and the person's positions (1) unless the page read them
    already (proposals.actions.page_situation)."""
    proposal, user = situation.proposal, situation.user
    paths = unit_paths_held(situation, Position.Role.INSPECTOR)  # as `handler_paths`
    incidents = []
    if getattr(proposal, "incidents_seen", True):
        incidents = list(incidents_visible_to(user, paths=paths).filter(proposal=proposal).order_by("-received_at", "-pk"))
    return {
        "incidents": incidents,
        "handler": bool(paths),
        "report_url": f"{reverse('incidents:report')}?de_xuat={proposal.pk}",
    }


def proposal_for_reporter(*, user, pk) -> Proposal | None:
    """The proposal `?de_xuat=` names, if the reporter may see it (else nothing is pre-filled, and no error
    tells whether it exists)."""
    try:
        return Proposal.objects.visible_to(user).select_related("unit").get(pk=int(pk))
    except (Proposal.DoesNotExist, TypeError, ValueError):
        return None


# --- Supervision (SUP-1) -------------------------------------------------------------------------------------------


def supervision_visible_to(*, reach: list[rules.Reach]) -> QuerySet[SupervisionRecord]:
    """Supervision records of the units in the supervisor's reach (rules.supervisor_reach); none outside it."""
    if not reach:
        return SupervisionRecord.objects.none()
    return SupervisionRecord.objects.filter(in_subtrees([r.path for r in reach], field="unit__path"))


def supervision_list(*, reach, unit: OrgUnit | None = None, year: int | None = None, after: int | None = None) -> KeysetPage:
    records = supervision_visible_to(reach=reach)
    if unit is not None:
        records = records.filter(in_subtrees([unit.path], field="unit__path"))
    if year is not None:
        records = records.filter(year=year)
    return keyset_page(records.select_related("unit"), after=after)


def supervision_for_user(*, reach, pk: int) -> SupervisionRecord:
    try:
        return supervision_visible_to(reach=reach).select_related("unit", "created_by").get(pk=pk)
    except SupervisionRecord.DoesNotExist:
        raise Http404 from None


# --- The register (SUP-2) --------------------------------------------------------------------------------------------


def register_paths(*, user, today: datetime.date, reach: list[rules.Reach]) -> list[str]:
    """Where the register is read: the subtrees of the units where `user` is head or secretariat, and the
    supervisor's reach. One query (plus `reach`, already read)."""
    if not user.is_authenticated:
        return []
    held = Position.objects.held_on(today).filter(person=user, role__in=rules.LEADERSHIP)
    paths = set(OrgUnit.objects.filter(pk__in=held.values("unit_id")).values_list("path", flat=True))
    return sorted(paths | {r.path for r in reach})


def register_visible_to(*, paths: list[str]) -> QuerySet[RegisterEntry]:
    """Entries of the units in those subtrees, and entries forwarded into them (the level that answers)."""
    if not paths:
        return RegisterEntry.objects.none()
    return RegisterEntry.objects.filter(
        in_subtrees(paths, field="unit__path") | in_subtrees(paths, field="forwarded_to__path")
    )


def register_list(*, paths, unit: OrgUnit | None = None, kind: str = "", status: str = "",
                  after: int | None = None) -> KeysetPage:
    entries = register_visible_to(paths=paths)
    if unit is not None:
        entries = entries.filter(in_subtrees([unit.path], field="unit__path"))
    if kind:
        entries = entries.filter(kind=kind)
    if status:
        entries = entries.filter(status=status)
    return keyset_page(entries.select_related("unit", "proposal", "forwarded_to"), after=after)


def register_for_user(*, paths, pk: int) -> RegisterEntry:
    try:
        return register_visible_to(paths=paths).select_related("unit", "proposal", "forwarded_to", "created_by").get(pk=pk)
    except RegisterEntry.DoesNotExist:
        raise Http404 from None


def units_in(paths: list[str]) -> QuerySet[OrgUnit]:
    """The units of those subtrees, active today, for the forms' unit choices."""
    return OrgUnit.objects.filter(in_subtrees(paths)).active_on(timezone.localdate()).order_by("path")
