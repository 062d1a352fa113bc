"""Reads about the organisation: who holds which position in which unit on a given day (spec README §2)."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from .models import OrgUnit, Position, User, in_subtrees


def today() -> datetime.date:
    return timezone.localdate()


def unit_head_on(*, unit: OrgUnit, on_date: datetime.date) -> Position | None:
    """The head's position in `unit` on `on_date` (its `unit` is the one given, not read again), or None when the
    post was vacant."""
    head = (
        Position.objects.held_on(on_date)
        .filter(unit=unit, role=Position.Role.HEAD)
        .select_related("person")
        .order_by("-start_date")
        .first()
    )
    if head is not None:
        head.unit = unit
    return head


def unit_deputies_on(*, unit: OrgUnit, on_date: datetime.date) -> list[Position]:
    return list(
        Position.objects.held_on(on_date)
        .filter(unit=unit, role=Position.Role.DEPUTY)
        .select_related("person")
        .order_by("start_date", "person__full_name")
    )


def _valid_on(unit: OrgUnit, on_date: datetime.date) -> bool:
    """`OrgUnit.objects.active_on` for a unit already in memory (both ends of the validity included)."""
    return unit.valid_from <= on_date and (unit.valid_to is None or unit.valid_to >= on_date)


def unit_superior(*, unit: OrgUnit, on_date: datetime.date) -> OrgUnit | None:
    """The superior employing unit (cơ quan sử dụng cán bộ cấp trên) active on `on_date`.

    That is the parent in the tree, unless the parent had ended by then (a district after 30/06/2025, a
    merged province): its `successor` chain leads to the unit that took its place. None when there is no
    parent, or when the chain ends at a unit not active on that day (no one could decide there).
    """
    superior = unit.parent
    seen = set()
    while superior is not None and not _valid_on(superior, on_date):
        if superior.successor_id is None or superior.pk in seen:  # a chain that loops would never end
            return None
        seen.add(superior.pk)
        superior = superior.successor
    return superior


def unit_superior_head_on(*, unit: OrgUnit, on_date: datetime.date) -> Position | None:
    superior = unit_superior(unit=unit, on_date=on_date)
    return unit_head_on(unit=superior, on_date=on_date) if superior else None


def positions_of(*, person: User, on_date: datetime.date) -> QuerySet[Position]:
    return Position.objects.held_on(on_date).filter(person=person).select_related("unit").order_by("unit__path", "role")


def units_person_may_act_for(
    *, person: User, on_date: datetime.date, roles: tuple[str, ...] | None = None
) -> QuerySet[OrgUnit]:
    """Units in which `person` holds a position (optionally one of `roles`) on `on_date`.

    `roles=None` means any role; an empty tuple means no role at all, so no unit (never "everything").
    """
    held = Position.objects.held_on(on_date).filter(person=person)
    if roles is not None:
        held = held.filter(role__in=roles)
    return OrgUnit.objects.filter(pk__in=held.values("unit_id")).order_by("path")


def units_in_scope_of(*, person: User, on_date: datetime.date, roles: tuple[str, ...], held=None) -> QuerySet[OrgUnit]:
    """Every unit at or below a unit where `person` holds one of `roles` (inspectors read their subtree); every unit
    for a superuser, who reads every submitted proposal holding no position (proposals.scope). `held`: the positions
    `person` holds on `on_date` with their units (`positions_of`), when the page has read them: no query for the paths."""
    if person.is_superuser:
        return OrgUnit.objects.all()
    if held is not None:
        paths = [position.unit.path for position in held if position.role in roles]
    else:
        paths = list(units_person_may_act_for(person=person, on_date=on_date, roles=roles).values_list("path", flat=True))
    return OrgUnit.objects.filter(in_subtrees(paths))


def people_in_subtree(*, paths: Iterable[str], on_date: datetime.date) -> QuerySet[User]:
    """Active people holding a position on `on_date` in a unit at or below any of `paths` (none for no path)."""
    holders = Position.objects.held_on(on_date).filter(in_subtrees(paths, field="unit__path")).values("person_id")
    return User.objects.filter(pk__in=holders, is_active=True)
