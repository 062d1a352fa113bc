"""Who may act for a unit: decided by the position held at the moment of the action (spec README §1)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import OrgUnit, Position
from .selectors import positions_of


def _refused() -> PermissionDenied:
    return PermissionDenied(_("Bạn không giữ chức vụ có thẩm quyền thực hiện thao tác này tại đơn vị."))


def _first_of(positions, roles: tuple[str, ...]) -> Position | None:
    # By role code: "head" before "secretariat", so that someone holding both acts (and is recorded) as head.
    return min((p for p in positions if p.role in roles), key=lambda p: (p.role, p.start_date, p.pk), default=None)


def acting_position(*, user, unit: OrgUnit, roles: tuple[str, ...], on_date: datetime.date) -> Position:
    """The position through which `user` acts for `unit` on `on_date`, or PermissionDenied."""
    position = _first_of(
        Position.objects.held_on(on_date).filter(person=user, unit=unit, role__in=roles).select_related("unit"), roles
    )
    if position is None:
        raise _refused()
    return position


HELD_POSITIONS = "held_positions"


def held_positions(situation) -> list[Position]:
    """The positions the situation's person holds on its day, units joined: read once per situation, or given
    by the page that has them already (proposals.actions.page_situation: the navigation bar's)."""
    return situation.memo(HELD_POSITIONS, lambda: list(positions_of(person=situation.user, on_date=situation.today)))


def unit_paths_held(situation, role: str) -> list[str]:
    """The paths of the units where the situation's person holds `role` (inspectors read their subtrees)."""
    return [position.unit.path for position in held_positions(situation) if position.role == role]


def position_in(situation, *, unit: OrgUnit, roles: tuple[str, ...]) -> Position:
    """`acting_position` for a `core.actions.Situation`: the person's positions on its day are read once per
    situation, however many actions in however many units a page judges with them. No unit (a draft has no
    deciding unit yet): nobody acts for it."""
    if unit is None:
        raise _refused()
    position = _first_of((p for p in held_positions(situation) if p.unit_id == unit.pk), roles)
    if position is None:
        raise _refused()
    return position
