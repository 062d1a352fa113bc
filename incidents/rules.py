"""Who may act on incidents, supervision records and the register: the predicates the services check and the
pages offer their forms by.

Each returns the acting position (recorded in the audit event) or raises PermissionDenied, before any input is
looked at (spec README §1: the position held on the day of the action decides).

- Handlers of an incident (INC-3, README §3): people holding an inspector position today in the incident's
  unit or a unit above it, never a person the incident names (they would judge themselves).
- Supervisors (SUP-1): inspectors, over their unit's subtree; and, as a setting-free simplification, the
  secretariat of a province-level unit over its whole province, standing for the home-affairs department's
  focal role ("Sở Nội vụ … theo dõi, kiểm tra, đôn đốc", addendum N10). The deployment gives that secretariat
  position to the department that holds the focal role.
- The register (SUP-2): recorded by the head or secretariat of the unit or a unit above it, or by a supervisor
  in scope; answered by the head or secretariat of the unit it was forwarded to, or of a unit above that one.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Position, path_ids

from .models import Incident, RegisterEntry

INSPECTOR = Position.Role.INSPECTOR
LEADERSHIP = (Position.Role.HEAD, Position.Role.SECRETARIAT)


def _refused() -> PermissionDenied:
    return PermissionDenied(_("Bạn không giữ chức vụ có thẩm quyền thực hiện thao tác này tại đơn vị."))


def _nearest(positions: list[Position]) -> Position | None:
    """The position in the deepest unit: the one closest to the record, recorded as the acting one."""
    return max(positions, key=lambda p: (len(p.unit.path), -p.pk), default=None)


def positions_over(*, user, unit: OrgUnit, roles: tuple[str, ...], today: datetime.date) -> list[Position]:
    """The positions `user` holds on `today` with one of `roles` in `unit` or a unit above it: one query.

    The ancestors are read from the unit's materialised path ("/1/7/42/" → 1, 7, 42)."""
    if not user.is_authenticated:
        return []
    return list(
        Position.objects.held_on(today)
        .filter(person=user, role__in=roles, unit_id__in=path_ids(unit.path))
        .select_related("unit")
    )


# --- Incidents ------------------------------------------------------------------------------------------------


def is_named_in(incident: Incident, user) -> bool:
    return incident.pk is not None and incident.reported_people.filter(pk=user.pk).exists()


def handler(*, incident: Incident, user, today: datetime.date) -> Position:
    """An inspector of the incident's unit or of a unit above it, who is not named in the incident (INC-3)."""
    position = _nearest(positions_over(user=user, unit=incident.unit, roles=(INSPECTOR,), today=today))
    if position is None or is_named_in(incident, user):
        raise _refused()
    return position


# --- Supervision (SUP-1) -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """A subtree (by its path) where a person acts, and the position through which they act there."""

    path: str
    position: Position


def _province_of(units: list[OrgUnit]) -> dict[int, OrgUnit]:
    """For each unit, the top-most province-level unit on its chain (itself or above): one query."""
    chains = {unit.pk: path_ids(unit.path) for unit in units}
    ids = {pk for chain in chains.values() for pk in chain}
    provinces = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids, level=OrgUnit.Level.PROVINCE)}
    found = {}
    for unit in units:
        top = next((provinces[pk] for pk in chains[unit.pk] if pk in provinces), None)
        if top is not None:
            found[unit.pk] = top
    return found


def supervisor_reach(*, user, today: datetime.date) -> list[Reach]:
    """Where `user` supervises today: their inspector units' subtrees, and the province of a province-level
    unit whose secretariat they are (the focal-role simplification). One query, two with a secretariat post."""
    if not user.is_authenticated:
        return []
    held = list(
        Position.objects.held_on(today).filter(person=user, role__in=(INSPECTOR, Position.Role.SECRETARIAT))
        .select_related("unit")
    )
    reach = [Reach(p.unit.path, p) for p in held if p.role == INSPECTOR]
    focal = [p for p in held if p.role == Position.Role.SECRETARIAT and p.unit.level == OrgUnit.Level.PROVINCE]
    if focal:
        provinces = _province_of([p.unit for p in focal])
        reach += [Reach(provinces[p.unit_id].path, p) for p in focal if p.unit_id in provinces]
    return reach


def _covering(reach: list[Reach], unit: OrgUnit) -> Position | None:
    covering = [r for r in reach if unit.path.startswith(r.path)]
    # The narrowest subtree: the acting post closest to the unit.
    return max(covering, key=lambda r: len(r.path)).position if covering else None


def supervisor(*, user, unit: OrgUnit, today: datetime.date, reach: list[Reach] | None = None) -> Position:
    position = _covering(supervisor_reach(user=user, today=today) if reach is None else reach, unit)
    if position is None:
        raise _refused()
    return position


# --- The register (SUP-2) ----------------------------------------------------------------------------------------


def register_editor(*, user, unit: OrgUnit, today: datetime.date) -> Position:
    """Records an entry for `unit` and forwards it: its head or secretariat (or above), or a supervisor."""
    position = _nearest(positions_over(user=user, unit=unit, roles=LEADERSHIP, today=today))
    if position is not None:
        return position
    return supervisor(user=user, unit=unit, today=today)


def register_decider(*, user, entry: RegisterEntry, today: datetime.date) -> Position:
    """Answers a forwarded entry: the head or secretariat of the unit it went to, or of a unit above it."""
    if entry.forwarded_to_id is None:
        raise _refused()
    position = _nearest(positions_over(user=user, unit=entry.forwarded_to, roles=LEADERSHIP, today=today))
    if position is None:
        raise _refused()
    return position


def allowed(predicate, **kwargs) -> bool:
    """Whether `predicate(**kwargs)` admits the person: what a page asks before offering a form."""
    try:
        predicate(**kwargs)
    except PermissionDenied:
        return False
    return True
