"""Admin pages for units, people, positions and the calendar: they load, bad input is refused in Vietnamese, and
every change that grants authority or moves deadlines goes through a service that records it (spec README §6)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit, Position, in_subtrees
from accounts.services import position_delete, position_save, unit_save
from core.audit import audit_record, verify_chain
from core.models import AuditEvent, CalendarDay
from core.services import calendar_day_save
from tests.factories import OrgUnitFactory, PositionFactory, staff_with
from tests.lifecycle import audit_events

ONE_MONTH = datetime.timedelta(days=30)

ADMIN_PAGES = [
    "admin:accounts_orgunit_changelist", "admin:accounts_orgunit_add",
    "admin:accounts_user_changelist", "admin:accounts_user_add",
    "admin:accounts_position_changelist", "admin:accounts_position_add",
    "admin:core_calendarday_changelist", "admin:core_calendarday_add",
    "admin:core_auditevent_changelist",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_page_loads_for_an_admin(client, admin_user, head, name):
    client.force_login(admin_user)
    assert client.get(reverse(name)).status_code == 200


def test_a_cadre_without_staff_rights_cannot_open_the_admin(client, head):
    client.force_login(head)
    response = client.get(reverse("admin:accounts_orgunit_changelist"))
    assert response.status_code == 302 and "/quan-tri/login/" in response["Location"]


def _position_form(person, unit, **overrides):
    data = {
        "person": person.pk, "unit": unit.pk, "role": Position.Role.HEAD, "title": "Giám đốc",
        "category": Position.Category.STATE_LEADER, "start_date": "01/06/2025", "end_date": "",
    }
    return {**data, **overrides}


def test_a_second_sitting_head_is_refused_with_a_vietnamese_message(client, admin_user, head, department, proposer):
    client.force_login(admin_user)
    response = client.post(reverse("admin:accounts_position_add"), _position_form(proposer, department))
    assert response.status_code == 200
    assert "Đơn vị đã có người đứng đầu" in response.content.decode()
    assert Position.objects.filter(unit=department, role=Position.Role.HEAD).count() == 1


def test_an_end_date_before_the_start_is_refused_next_to_the_field(client, admin_user, department, proposer):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_position_add"),
        _position_form(proposer, department, role=Position.Role.DEPUTY, end_date="31/05/2025"),
    )
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()
    assert not Position.objects.filter(person=proposer, role=Position.Role.DEPUTY).exists()


def test_a_make_up_saturday_added_in_the_admin_is_marked_as_entered_by_hand(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "09/01/2027", "kind": CalendarDay.Kind.MAKEUP_WORKDAY, "name": "Làm bù cho ngày 05/02/2027",
         "legal_basis": "Thông báo của Bộ Nội vụ", "source": CalendarDay.Source.SEEDED},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=datetime.date(2027, 1, 9))
    assert day.source == CalendarDay.Source.MANUAL


# --- Changes that grant authority are audited (spec README §6) -------------------------------------------


def test_an_admin_edit_of_a_position_is_audited_with_the_actor_and_the_change(client, admin_user, head, department):
    position = Position.objects.get(person=head)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_position_change", args=[position.pk]),
        _position_form(head, department, start_date="01/01/2024", end_date="30/06/2026"),
    )

    assert response.status_code == 302
    [event] = audit_events("position_update")
    assert (event.actor, event.actor_name, event.role) == (admin_user, admin_user.get_full_name(), "admin")
    assert (event.object_type, event.object_id, event.unit) == ("accounts.position", str(position.pk), department)
    assert event.payload == {"person": head.pk, "changes": {"end_date": [None, "2026-06-30"]}}
    assert verify_chain() == (1, None)


def test_saving_a_position_unchanged_records_nothing(client, admin_user, head, department):
    position = Position.objects.get(person=head)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_position_change", args=[position.pk]),
        _position_form(head, department, start_date="01/01/2024"),
    )

    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_an_appointment_made_in_the_admin_is_audited(client, admin_user, proposer, department):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_position_add"),
        _position_form(proposer, department, role=Position.Role.DEPUTY, title="Phó Giám đốc"),
    )

    assert response.status_code == 302
    position = Position.objects.get(person=proposer, role=Position.Role.DEPUTY)
    [event] = audit_events("position_create")
    assert (event.actor, event.object_id, event.unit) == (admin_user, str(position.pk), department)
    assert event.payload["changes"] == {
        "person": [None, proposer.pk], "unit": [None, department.pk], "role": [None, "deputy"],
        "title": [None, "Phó Giám đốc"], "category": [None, "state_leader"], "start_date": [None, "2025-06-01"],
    }


def _user_change_form(user, positions):
    """The person's admin page as submitted: their details unchanged, the inline rows as given."""
    data = {
        "username": user.username, "full_name": user.full_name, "employee_code": "", "email": user.email,
        "is_active": "on", "date_joined_0": "01/01/2024", "date_joined_1": "08:00", "last_login_0": "",
        "last_login_1": "", "positions-TOTAL_FORMS": str(len(positions)),
        "positions-INITIAL_FORMS": str(sum(1 for row in positions if row.get("id"))),
        "positions-MIN_NUM_FORMS": "0", "positions-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(positions):
        data.update({f"positions-{index}-{key}": value for key, value in row.items()})
        data[f"positions-{index}-person"] = user.pk
    return data


def _inline_row(position, **overrides):
    row = {
        "id": position.pk, "unit": position.unit_id, "role": position.role, "title": position.title,
        "category": position.category, "start_date": position.start_date.strftime("%d/%m/%Y"),
        "end_date": position.end_date.strftime("%d/%m/%Y") if position.end_date else "",
    }
    return {**row, **overrides}


def test_positions_edited_on_the_persons_page_are_audited(client, admin_user, head, department, other_unit):
    position = Position.objects.get(person=head)
    client.force_login(admin_user)
    new_row = {"unit": other_unit.pk, "role": Position.Role.DEPUTY, "title": "Phó Giám đốc",
               "category": Position.Category.STATE_LEADER, "start_date": "01/07/2026", "end_date": ""}

    response = client.post(
        reverse("admin:accounts_user_change", args=[head.pk]),
        _user_change_form(head, [_inline_row(position, end_date="30/06/2026"), new_row]),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    [ended] = audit_events("position_update")
    [appointed] = audit_events("position_create")
    assert (ended.actor, ended.object_id) == (admin_user, str(position.pk))
    assert ended.payload["changes"] == {"end_date": [None, "2026-06-30"]}
    assert (appointed.actor, appointed.unit, appointed.payload["person"]) == (admin_user, other_unit, head.pk)


def test_a_position_that_has_taken_effect_cannot_be_deleted(client, admin_user, head, department):
    position = Position.objects.get(person=head)
    client.force_login(admin_user)

    refused = client.post(reverse("admin:accounts_position_delete", args=[position.pk]), {"post": "yes"})
    inline = client.post(
        reverse("admin:accounts_user_change", args=[head.pk]),
        _user_change_form(head, [_inline_row(position, DELETE="on")]),
    )
    bulk = client.post(
        reverse("admin:accounts_position_changelist"),
        {"action": "delete_selected", "_selected_action": [position.pk], "post": "yes"},
    )

    assert refused.status_code == 403
    assert inline.status_code == 200 and "Hãy nhập ngày kết thúc thay vì xóa." in inline.content.decode()
    assert bulk.status_code == 403  # the action checks each selected row
    assert Position.objects.filter(pk=position.pk).exists()
    assert not AuditEvent.objects.exists()


def test_withdrawing_an_appointment_that_has_not_started_is_audited(client, admin_user, proposer, department):
    future = PositionFactory(
        person=proposer, unit=department, role=Position.Role.DEPUTY, start_date=timezone.localdate() + ONE_MONTH
    )
    client.force_login(admin_user)

    response = client.post(reverse("admin:accounts_position_delete", args=[future.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Position.objects.filter(pk=future.pk).exists()
    [event] = audit_events("position_delete")
    assert (event.actor, event.object_id, event.unit) == (admin_user, str(future.pk), department)
    assert event.payload["values"]["person"] == proposer.pk and event.payload["values"]["role"] == "deputy"


def test_the_position_services_check_the_model_permissions(head, proposer, department):
    clerk = staff_with("lich", "core.change_calendarday")
    position = Position.objects.get(person=head)
    position.end_date = datetime.date(2026, 6, 30)

    with pytest.raises(PermissionDenied):
        position_save(position=position, by=clerk)
    with pytest.raises(PermissionDenied):
        position_save(position=Position(person=proposer, unit=department, role="staff", start_date=position.start_date),
                      by=clerk)
    with pytest.raises(PermissionDenied):
        position_delete(position=position, by=clerk)
    with pytest.raises(PermissionDenied):
        unit_save(unit=department, by=clerk)

    assert Position.objects.get(person=head).end_date is None
    assert not AuditEvent.objects.exists()


def test_moving_a_unit_in_the_admin_is_audited(client, admin_user, province, department, other_unit):
    team = OrgUnitFactory(code="P-TC", name="Phòng Tổ chức", parent=department)
    client.force_login(admin_user)
    data = {
        "code": department.code, "name": department.name, "abbreviation": department.abbreviation,
        "place_name": department.place_name, "parent": other_unit.pk, "level": department.level,
        "kind": department.kind, "valid_from": "01/01/2020", "valid_to": "", "successor": "",
    }

    response = client.post(reverse("admin:accounts_orgunit_change", args=[department.pk]), data)

    assert response.status_code == 302
    [event] = audit_events("unit_update")
    assert (event.actor, event.unit, event.object_id) == (admin_user, department, str(department.pk))
    assert event.payload == {"changes": {"parent": [province.pk, other_unit.pk]}}
    team.refresh_from_db()
    assert team.path == f"{other_unit.path}{department.pk}/{team.pk}/"


def test_a_unit_added_in_the_admin_is_audited(client, admin_user, province):
    client.force_login(admin_user)
    data = {
        "code": "SYT-QN", "name": "Sở Y tế", "abbreviation": "SYT", "place_name": "Hạ Long", "parent": province.pk,
        "level": OrgUnit.Level.PROVINCE, "kind": OrgUnit.Kind.STATE_AGENCY, "valid_from": "01/01/2021",
        "valid_to": "", "successor": "",
    }

    response = client.post(reverse("admin:accounts_orgunit_add"), data)

    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="SYT-QN")
    assert unit.path == f"{province.path}{unit.pk}/"
    [event] = audit_events("unit_create")
    assert event.payload["changes"]["parent"] == [None, province.pk]
    assert event.payload["changes"]["code"] == [None, "SYT-QN"]


def test_deleting_units_in_the_admin_is_audited_and_a_protected_unit_stays(client, admin_user, head, department):
    parent = OrgUnitFactory(code="SAI-1", name="Nhập nhầm")
    child = OrgUnitFactory(code="SAI-2", name="Nhập nhầm con", parent=parent)
    client.force_login(admin_user)

    protected = client.post(reverse("admin:accounts_orgunit_delete", args=[department.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:accounts_orgunit_changelist"),
        {"action": "delete_selected", "_selected_action": [child.pk], "post": "yes"},
    )
    single = client.post(reverse("admin:accounts_orgunit_delete", args=[parent.pk]), {"post": "yes"})

    assert protected.status_code == 200  # the page naming the position that protects it
    assert (bulk.status_code, single.status_code) == (302, 302)
    assert OrgUnit.objects.filter(pk=department.pk).exists()
    assert not OrgUnit.objects.filter(pk__in=[parent.pk, child.pk]).exists()
    assert [(event.object_id, event.actor) for event in audit_events("unit_delete")] == [
        (str(child.pk), admin_user), (str(parent.pk), admin_user),
    ]
    assert verify_chain() == (2, None)


def test_moving_a_unit_under_its_own_sub_unit_is_refused_with_one_query(province, department, django_assert_num_queries):
    chain = [department]
    for depth in range(6):
        chain.append(OrgUnitFactory(code=f"CAP-{depth}", parent=chain[-1]))
    department = OrgUnit.objects.get(pk=department.pk)
    department.parent_id = chain[-1].pk

    # The new parent's path, whatever the depth of the tree.
    with django_assert_num_queries(1), pytest.raises(ValidationError) as refused:
        department.clean()

    assert refused.value.message_dict == {"parent": ["Đơn vị cấp trên không được là chính nó hoặc đơn vị cấp dưới."]}
    department.parent_id = department.pk
    with pytest.raises(ValidationError):
        department.clean()


def test_calendar_days_added_changed_and_deleted_in_the_admin_are_audited(client, admin_user):
    client.force_login(admin_user)
    form = {"date": "09/01/2027", "kind": CalendarDay.Kind.MAKEUP_WORKDAY, "name": "Làm bù",
            "legal_basis": "Thông báo của Bộ Nội vụ", "source": CalendarDay.Source.MANUAL}
    client.post(reverse("admin:core_calendarday_add"), form)
    day = CalendarDay.objects.get(date=datetime.date(2027, 1, 9))

    client.post(reverse("admin:core_calendarday_change", args=[day.pk]), {**form, "kind": CalendarDay.Kind.DAY_OFF})
    client.post(reverse("admin:core_calendarday_delete", args=[day.pk]), {"post": "yes"})

    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    created, changed, deleted = AuditEvent.objects.order_by("seq")
    assert [event.action for event in (created, changed, deleted)] == [
        "calendar_day_create", "calendar_day_update", "calendar_day_delete",
    ]
    assert {event.actor for event in (created, changed, deleted)} == {admin_user}
    assert created.payload["changes"]["kind"] == [None, "makeup_workday"]
    assert changed.payload == {"date": "2027-01-09", "changes": {"kind": ["makeup_workday", "day_off"]}}
    assert deleted.payload["values"]["kind"] == "day_off"
    assert verify_chain() == (3, None)


def test_deleting_calendar_days_in_bulk_records_each_one(client, admin_user):
    days = [
        CalendarDay.objects.create(date=datetime.date(2027, 1, d), kind=CalendarDay.Kind.DAY_OFF, name="Nghỉ")
        for d in (4, 5)
    ]
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:core_calendarday_changelist"),
        {"action": "delete_selected", "_selected_action": [day.pk for day in days], "post": "yes"},
    )

    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk__in=[day.pk for day in days]).exists()
    assert sorted(event.payload["date"] for event in audit_events("calendar_day_delete")) == ["2027-01-04", "2027-01-05"]


def test_the_calendar_services_check_the_model_permissions(db):
    importer = staff_with("nhapdulieu", "accounts.change_position")
    day = CalendarDay(date=datetime.date(2027, 1, 9), kind=CalendarDay.Kind.MAKEUP_WORKDAY, name="Làm bù")

    with pytest.raises(PermissionDenied):
        calendar_day_save(day=day, by=importer)

    assert not CalendarDay.objects.filter(date=datetime.date(2027, 1, 9)).exists()


def test_the_subtree_helpers_match_a_unit_and_everything_below_it(province, department, other_unit):
    team = OrgUnitFactory(code="P-TC", parent=department)
    elsewhere = OrgUnitFactory(code="UBND-HN")

    assert set(OrgUnit.objects.subtree_of(department)) == {department, team}
    assert set(OrgUnit.objects.subtree_of(department, other_unit)) == {department, team, other_unit}
    assert set(OrgUnit.objects.filter(in_subtrees([]))) == set()
    assert set(Position.objects.filter(in_subtrees([elsewhere.path], field="unit__path"))) == set()


def test_the_audit_log_is_for_superusers_only_even_with_the_view_permission(client, admin_user, department):
    # The log keeps each ballot's choice and reason once the vote is closed: a staff account given the model's view
    # permission (by mistake or for another job) must neither list it nor open an event, nor see it on the index.
    event = audit_record(action="vote_cast", obj=department, payload={"choice": "against", "reason": "Chưa khả thi."})
    clerk = staff_with("vanthu", "core.view_auditevent", "core.view_calendarday")
    client.force_login(clerk)

    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_change", args=[event.pk])).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:core_calendarday_changelist") in index
    assert reverse("admin:core_auditevent_changelist") not in index

    client.force_login(admin_user)
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditevent_change", args=[event.pk])).status_code == 200
    assert reverse("admin:core_auditevent_changelist") in client.get(reverse("admin:index")).content.decode()
