"""Changes made by hand to the unit tree and to positions (the admin): checked, locked, validated, audited.

Who was head or deputy of a unit on a date decides who votes and who may act (spec README §2), and the
tree decides whose proposals a secretariat or an inspector sees: changing either grants authority, so
each change is evidence (§6) recorded with who made it and what changed (old → new).
The organisation import writes in bulk and records one summary event per file (accounts/importing.py).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, field_changes, field_values
from core.permissions import require_model_permission

from .models import OrgUnit, Position, User

UNIT_FIELDS = (
    "code", "name", "abbreviation", "place_name", "parent", "level", "kind", "valid_from", "valid_to", "successor",
)
POSITION_FIELDS = ("person", "unit", "role", "title", "category", "start_date", "end_date")
ADMIN_ROLE = "admin"


def _lock_units(unit_ids: Iterable[int | None]) -> None:
    """Lock unit rows in id order (so that two writers cannot deadlock)."""
    ids = sorted({unit_id for unit_id in unit_ids if unit_id is not None})
    list(OrgUnit.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def unit_save(*, unit: OrgUnit, by: User) -> OrgUnit:
    """Create or change a unit (including moving it, with its subtree, under another parent)."""
    # The unit and its new parent are locked: two moves at once (A under B, B under A) cannot both pass
    # the loop check in `OrgUnit.clean`, which reads the parent's path.
    _lock_units([unit.pk, unit.parent_id])
    before = OrgUnit.objects.filter(pk=unit.pk).first() if unit.pk is not None else None
    require_model_permission(user=by, permission="accounts.change_orgunit" if before else "accounts.add_orgunit")
    unit.full_clean(exclude=["path"])  # derived from the parent by `OrgUnit.save`
    changes = field_changes(before, unit, UNIT_FIELDS)
    if before is not None and not changes:
        return unit
    unit.save()
    audit_record(
        action="unit_update" if before else "unit_create", obj=unit, actor=by, role=ADMIN_ROLE, unit=unit,
        payload={"changes": changes},
    )
    return unit


@transaction.atomic
def position_save(*, position: Position, by: User) -> Position:
    """Appoint someone (a new position) or change a position: its person, unit, role, dates."""
    old_unit_id = Position.objects.filter(pk=position.pk).values_list("unit_id", flat=True).first()
    # Under the unit's lock the "one head at a time" check (`Position.clean`) and the write cannot
    # interleave with another appointment in the same unit.
    _lock_units([position.unit_id, old_unit_id])
    before = Position.objects.filter(pk=position.pk).first() if position.pk is not None else None
    require_model_permission(user=by, permission="accounts.change_position" if before else "accounts.add_position")
    position.full_clean()
    changes = field_changes(before, position, POSITION_FIELDS)
    if before is not None and not changes:
        return position
    position.save()
    audit_record(
        action="position_update" if before else "position_create", obj=position, actor=by, role=ADMIN_ROLE,
        unit=position.unit, payload={"person": position.person_id, "changes": changes},
    )
    return position


@transaction.atomic
def unit_delete(*, unit: OrgUnit, by: User) -> None:
    """Remove a unit entered by mistake; one with sub-units, positions or proposals is protected by its keys."""
    require_model_permission(user=by, permission="accounts.delete_orgunit")
    _lock_units([unit.pk])
    unit = OrgUnit.objects.get(pk=unit.pk)
    # Recorded first, in the same transaction: the event needs the row's id, and a delete refused by a
    # protecting key rolls the event back with it.
    audit_record(
        action="unit_delete", obj=unit, actor=by, role=ADMIN_ROLE, payload={"values": field_values(unit, UNIT_FIELDS)}
    )
    unit.delete()


def position_delete_refusal(position: Position) -> str | None:
    """Why `position` may not be deleted, or None.

    A position that has taken effect is history: it decided who was head or deputy, and so who voted and
    who could act, on past days. Deleting it would rewrite that history; ending it (an end date) or
    correcting it leaves an audited trace. Only an appointment that has not started yet can be withdrawn.
    """
    if position.start_date <= timezone.localdate():
        return _(
            "Không thể xóa chức vụ %(position)s: chức vụ đã có hiệu lực là lịch sử (ai giữ chức vụ nào vào ngày "
            "nào). Hãy nhập ngày kết thúc thay vì xóa."
        ) % {"position": position}
    return None


@transaction.atomic
def position_delete(*, position: Position, by: User) -> None:
    """Withdraw an appointment that has not taken effect yet; anything else is refused."""
    require_model_permission(user=by, permission="accounts.delete_position")
    _lock_units([position.unit_id])
    position = Position.objects.select_related("person", "unit").get(pk=position.pk)
    refusal = position_delete_refusal(position)
    if refusal:
        raise ValidationError(refusal, code="position_in_history")
    # Recorded first, in the same transaction: the event needs the row's id, and a refused delete
    # (a proposal refers to the position) rolls the event back with it.
    audit_record(
        action="position_delete", obj=position, actor=by, role=ADMIN_ROLE, unit=position.unit,
        payload={"values": field_values(position, POSITION_FIELDS)},
    )
    position.delete()
