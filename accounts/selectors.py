"""Reads about the organisation: who holds which position in which unit on a given day (spec README §2)."""

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import OrgUnit, Position, User


def today() -> datetime.date:
    return timezone.localdate()


def unit_head_on(*, unit: OrgUnit, on_date: datetime.date) -> Position | None:
    """The head's position in `unit` on `on_date`, or None when the post was vacant."""
    return (
        Position.objects.held_on(on_date)
        .filter(unit=unit, role=Position.Role.HEAD)
        .select_related("person")
        .order_by("-start_date")
        .first()
    )


def unit_deputies_on(*, unit: OrgUnit, on_date: datetime.date) -> list[Position]:
    return list(
        Position.objects.held_on(on_date)
        .filter(unit=unit, role=Position.Role.DEPUTY)
        .select_related("person")
        .order_by("start_date", "person__full_name")
    )


def unit_superior(*, unit: OrgUnit) -> OrgUnit | None:
    """The superior employing unit (cơ quan sử dụng cán bộ cấp trên): the parent in the tree."""
    return unit.parent


def unit_superior_head_on(*, unit: OrgUnit, on_date: datetime.date) -> Position | None:
    superior = unit_superior(unit=unit)
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


def units_in_scope_of(*, person: User, on_date: datetime.date, roles: tuple[str, ...]) -> QuerySet[OrgUnit]:
    """Every unit at or below a unit where `person` holds one of `roles` (inspectors read their subtree)."""
    paths = list(units_person_may_act_for(person=person, on_date=on_date, roles=roles).values_list("path", flat=True))
    if not paths:
        return OrgUnit.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return OrgUnit.objects.filter(condition)


def people_in_subtree(*, paths: Iterable[str], on_date: datetime.date) -> QuerySet[User]:
    """Active people holding a position on `on_date` in a unit at or below any of `paths` (none for no path)."""
    in_subtree = Q(pk__in=[])
    for path in paths:
        in_subtree |= Q(unit__path__startswith=path)
    holders = Position.objects.held_on(on_date).filter(in_subtree).values("person_id")
    return User.objects.filter(pk__in=holders, is_active=True)
