"""Changes to the working-day calendar made by hand (the admin): checked, validated, audited.

A holiday, an extra day off or a make-up Saturday moves every deadline that spans it (spec README §4), so
each change is evidence (§6): who changed which day, from what to what. Seeding from the `holidays`
package (`workdays.seed_year`) is reference data and is not audited per day.
"""

from django.db import transaction

from .audit import audit_record, field_changes, field_values
from .models import CalendarDay
from .permissions import require_model_permission

CALENDAR_DAY_FIELDS = ("date", "kind", "name", "legal_basis", "source")
ADMIN_ROLE = "admin"


@transaction.atomic
def calendar_day_save(*, day: CalendarDay, by) -> CalendarDay:
    """Add or change a calendar exception; whatever a person enters is marked as entered by hand."""
    before = CalendarDay.objects.select_for_update().filter(pk=day.pk).first() if day.pk is not None else None
    require_model_permission(user=by, permission="core.change_calendarday" if before else "core.add_calendarday")
    # Seeding never overwrites a manual day, so the correction survives the next seeding run.
    day.source = CalendarDay.Source.MANUAL
    day.full_clean()
    changes = field_changes(before, day, CALENDAR_DAY_FIELDS)
    if before is not None and not changes:
        return day
    day.save()
    audit_record(
        action="calendar_day_update" if before else "calendar_day_create", obj=day, actor=by, role=ADMIN_ROLE,
        payload={"date": day.date, "changes": changes},
    )
    return day


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, by) -> None:
    """Remove a calendar exception: the date follows the Monday–Friday rule again."""
    require_model_permission(user=by, permission="core.delete_calendarday")
    day = CalendarDay.objects.select_for_update().get(pk=day.pk)
    # Recorded before the row goes: the event needs its id; both commit or neither does.
    audit_record(
        action="calendar_day_delete", obj=day, actor=by, role=ADMIN_ROLE,
        payload={"date": day.date, "values": field_values(day, CALENDAR_DAY_FIELDS)},
    )
    day.delete()
