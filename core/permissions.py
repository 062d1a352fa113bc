"""Permissions of administration; who acts for a unit is `accounts.permissions`."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_model_permission(*, user, permission: str) -> None:
    """Administration (the unit tree, positions, the calendar) is granted as Django model permissions.

    The services check them again although the admin already did: the admin is one caller among others.
    """
    if not user.has_perm(permission):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))
