"""Who reads and who makes reports (issue 9, items 5–8): the heads, deputies, secretariat and inspectors of a
unit read the reports and dashboards of its subtree; heads, deputies and the secretariat order and write them;
administrators (superusers) do both everywhere. Anyone else gets 404 for a report of a unit not in scope.
"""

import datetime

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import OrgUnit, Position, in_subtrees

READERS = (Position.Role.HEAD, Position.Role.DEPUTY, Position.Role.SECRETARIAT, Position.Role.INSPECTOR)
AUTHORS = (Position.Role.HEAD, Position.Role.DEPUTY, Position.Role.SECRETARIAT)


def _units_held(user, roles, today: datetime.date) -> QuerySet[OrgUnit]:
    held = Position.objects.held_on(today).filter(person=user, role__in=roles).values("unit_id")
    return OrgUnit.objects.filter(pk__in=held)


def report_units(user, *, today: datetime.date, roles=READERS) -> QuerySet[OrgUnit]:
    """The units whose reports `user` reads (or, with `roles=AUTHORS`, makes): every unit below one they serve."""
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    if user.is_superuser:
        return OrgUnit.objects.all()
    paths = list(_units_held(user, roles, today).values_list("path", flat=True))
    return OrgUnit.objects.filter(in_subtrees(paths))


def top_units(user, *, today: datetime.date, roles=READERS) -> list[OrgUnit]:
    """The highest units of `user`'s scope: where a dashboard or a report starts by default."""
    if user.is_superuser:
        return list(OrgUnit.objects.filter(parent__isnull=True).order_by("path"))
    units = sorted(_units_held(user, roles, today), key=lambda unit: unit.path)
    tops = []
    for unit in units:
        if not any(unit.path.startswith(top.path) for top in tops):
            tops.append(unit)
    return tops


def may_read(user, unit: OrgUnit, *, today: datetime.date, roles=READERS) -> bool:
    return report_units(user, today=today, roles=roles).filter(pk=unit.pk).exists()


def unit_in_scope(user, unit_id, *, today: datetime.date, roles=READERS) -> OrgUnit:
    """The unit, or 404 when it is not in `user`'s scope (the same answer as a unit that does not exist)."""
    unit = report_units(user, today=today, roles=roles).filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit
