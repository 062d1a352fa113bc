"""Who may act for a unit: decided by the position held at the moment of the action (spec README §1)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Position


def acting_position(*, user, unit: OrgUnit, roles: tuple[str, ...], on_date: datetime.date) -> Position:
    """The position through which `user` acts for `unit` on `on_date`, or PermissionDenied."""
    position = (
        Position.objects.held_on(on_date)
        .filter(person=user, unit=unit, role__in=roles)
        .select_related("unit")
        .order_by("role")
        .first()
    )
    if position is None:
        raise PermissionDenied(_("Bạn không giữ chức vụ có thẩm quyền thực hiện thao tác này tại đơn vị."))
    return position


def require_model_permission(*, user, permission: str) -> None:
    """Administration (the unit tree, positions, the calendar) is granted as Django model permissions.

    The services check them again although the admin already did: the admin is one caller among others.
    """
    if not user.has_perm(permission):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
