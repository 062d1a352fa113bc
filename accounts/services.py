"""Changes made by hand to the unit tree, positions and user accounts (the admin): checked, locked, validated,
audited.

Who was head or deputy of a unit on a date decides who votes and who may act (spec README §2), and the
tree decides whose proposals a secretariat or an inspector sees: changing either grants authority, so
each change is evidence (§6) recorded with who made it and what changed (old → new). So is a change to an
account's access (active, staff, superuser, groups, permissions, password): it decides who may administer all
of the above.
The organisation import writes in bulk and records one summary event per file (accounts/importing/).
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, field_changes, field_values
from core.permissions import require_model_permission

from .models import OrgUnit, Position, User

UNIT_FIELDS = (
    "code", "name", "abbreviation", "place_name", "parent", "level", "kind", "valid_from", "valid_to", "successor",
    "print_parent_line", "competence_basis", "cadre_authority",
)
POSITION_FIELDS = ("person", "unit", "role", "title", "signing_title", "category", "start_date", "end_date")
# What the user admin edits, besides the groups, the permissions and the password (recorded apart: the first two
# are many-to-many, the last must never reach the log, not even hashed).
USER_FIELDS = ("username", "full_name", "employee_code", "email", "is_active", "is_staff", "is_superuser")
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



def _group_names(groups: Iterable[Group]) -> list[str]:
    return sorted(group.name for group in groups)


def _permission_names(permissions: Iterable[Permission]) -> list[str]:
    return sorted(f"{permission.content_type.app_label}.{permission.codename}" for permission in permissions)


def _access(user: User | None) -> dict[str, list[str]]:
    """`user`'s groups and permissions by name, which is what a reader of the log understands."""
    if user is None:
        return {"groups": [], "user_permissions": []}
    return {
        "groups": _group_names(user.groups.all()),
        "user_permissions": _permission_names(user.user_permissions.select_related("content_type")),
    }


@transaction.atomic
def user_save(
    *,
    user: User,
    by: User,
    groups: Iterable[Group] | None = None,
    user_permissions: Iterable[Permission] | None = None,
) -> User:
    """Create or change an account: its details, flags, groups and permissions (None: left as they are), password.

    The active, staff and superuser flags, the groups and the permissions decide who may change units,
    positions and accounts, so a change to any of them is recorded in one event with the old and new values.
    A password set or disabled before the call (`set_password`, `set_unusable_password`) is recorded as that
    fact only: neither the password nor its hash enters the log. Saving without a change records nothing.
    The values were validated by the caller's form (the admin's); this checks the permission and records.
    """
    groups = list(groups) if groups is not None else None
    user_permissions = list(user_permissions) if user_permissions is not None else None
    before = User.objects.select_for_update().filter(pk=user.pk).first() if user.pk is not None else None
    require_model_permission(user=by, permission="accounts.change_user" if before else "accounts.add_user")
    changes = field_changes(before, user, USER_FIELDS)
    update_fields = list(changes)
    password_changed = before is None or before.password != user.password
    if password_changed:
        update_fields.append("password")
    old_access, new_access = _access(before), {}
    if groups is not None:
        new_access["groups"] = _group_names(groups)
    if user_permissions is not None:
        new_access["user_permissions"] = _permission_names(user_permissions)
    changes.update({name: [old_access[name], new] for name, new in new_access.items() if old_access[name] != new})
    if before is not None and not changes and not password_changed:
        return user
    if before is None:
        user.save()
    elif update_fields:
        user.save(update_fields=update_fields)
    if "groups" in changes:
        user.groups.set(groups)
    if "user_permissions" in changes:
        user.user_permissions.set(user_permissions)
    payload = {"changes": changes}
    if password_changed:
        payload["password"] = "set" if user.has_usable_password() else "unusable"
    audit_record(
        action="user_update" if before else "user_create", obj=user, actor=by, role=ADMIN_ROLE, payload=payload
    )
    return user


@transaction.atomic
def user_delete(*, user: User, by: User) -> None:
    """Remove an account entered by mistake; one that held a position or acted is protected by its keys."""
    require_model_permission(user=by, permission="accounts.delete_user")
    user = User.objects.select_for_update().get(pk=user.pk)
    # Recorded first, in the same transaction: the event needs the row's id, and a delete refused by a
    # protecting key rolls the event back with it.
    audit_record(
        action="user_delete", obj=user, actor=by, role=ADMIN_ROLE,
        payload={"values": {**field_values(user, USER_FIELDS), **_access(user)}},
    )
    user.delete()
