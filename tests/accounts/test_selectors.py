"""Who is head or deputy of which unit on which day, and the unit tree (spec README §2)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import OrgUnit, Position
from accounts.selectors import (
    positions_of,
    unit_deputies_on,
    unit_head_on,
    unit_superior,
    unit_superior_head_on,
    units_in_scope_of,
    units_person_may_act_for,
)
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory

D = datetime.date


@pytest.fixture
def change_of_head(department, head):
    """The department's head hands over on 01/06/2025: the old term ends on 31/05/2025."""
    old_term = Position.objects.get(unit=department, person=head, role=Position.Role.HEAD)
    old_term.end_date = D(2025, 5, 31)
    old_term.save()
    new_head = UserFactory(username="giamdocmoi")
    new_term = PositionFactory(
        person=new_head, unit=department, role=Position.Role.HEAD, title="Giám đốc", start_date=D(2025, 6, 1)
    )
    return old_term, new_term


def test_the_old_head_is_head_on_the_last_day_of_the_term(change_of_head, department):
    old_term, _new_term = change_of_head

    assert unit_head_on(unit=department, on_date=D(2025, 5, 31)) == old_term


def test_the_new_head_is_head_from_the_first_day_of_the_term(change_of_head, department):
    _old_term, new_term = change_of_head

    assert unit_head_on(unit=department, on_date=D(2025, 6, 1)) == new_term
    assert unit_head_on(unit=department, on_date=D(2030, 1, 1)) == new_term


def test_no_head_before_anyone_was_appointed(head, department):
    assert unit_head_on(unit=department, on_date=D(2023, 12, 31)) is None


def test_deputies_on_a_date_are_those_in_office_that_day(department, deputy, deputy2):
    left = Position.objects.get(person=deputy2, unit=department)
    left.end_date = D(2025, 3, 31)
    left.save()
    latecomer = PositionFactory(unit=department, role=Position.Role.DEPUTY, start_date=D(2025, 9, 1))

    on_1_april = unit_deputies_on(unit=department, on_date=D(2025, 4, 1))
    on_31_march = unit_deputies_on(unit=department, on_date=D(2025, 3, 31))
    on_1_september = unit_deputies_on(unit=department, on_date=D(2025, 9, 1))

    assert [p.person for p in on_1_april] == [deputy]
    assert {p.person for p in on_31_march} == {deputy, deputy2}
    assert {p.person for p in on_1_september} == {deputy, latecomer.person}


def test_deputies_do_not_include_the_head_staff_or_other_units(department, head, deputy, proposer, outsider):
    assert [p.person for p in unit_deputies_on(unit=department, on_date=D(2025, 4, 1))] == [deputy]


def test_the_superior_unit_is_the_parent_and_its_head_decides(department, province, superior_head):
    assert unit_superior(unit=department, on_date=D(2025, 4, 1)) == province
    assert unit_superior(unit=province, on_date=D(2025, 4, 1)) is None
    assert unit_superior_head_on(unit=department, on_date=D(2025, 4, 1)).person == superior_head
    assert unit_superior_head_on(unit=province, on_date=D(2025, 4, 1)) is None


def test_the_superior_of_a_unit_whose_parent_has_ended_is_the_parents_successor(
    commune_under_ended_district, province, superior_head
):
    district, commune = commune_under_ended_district

    assert unit_superior(unit=commune, on_date=D(2025, 6, 30)) == district  # its last day
    assert unit_superior(unit=commune, on_date=D(2025, 7, 1)) == province
    assert unit_superior_head_on(unit=commune, on_date=D(2025, 7, 1)).person == superior_head


def test_the_successor_chain_is_followed_to_the_unit_active_that_day(db):
    # Hải Dương merged into Hải Phòng on 01/07/2025; one of its districts had handed over to the province.
    hai_phong = OrgUnitFactory(code="UBND-HP", name="Ủy ban nhân dân thành phố Hải Phòng")
    hai_duong = OrgUnitFactory(
        code="UBND-HD", name="Ủy ban nhân dân tỉnh Hải Dương", valid_to=D(2025, 6, 30), successor=hai_phong
    )
    district = OrgUnitFactory(
        code="H-KM", name="Ủy ban nhân dân thị xã Kinh Môn", level=OrgUnit.Level.DISTRICT, parent=hai_duong,
        valid_to=D(2025, 6, 30), successor=hai_duong,
    )
    commune = OrgUnitFactory(code="X-KM", name="Ủy ban nhân dân phường Kinh Môn", level=OrgUnit.Level.COMMUNE, parent=district)

    assert unit_superior(unit=commune, on_date=D(2025, 7, 1)) == hai_phong


def test_an_ended_parent_without_a_successor_leaves_no_superior(province):
    district = OrgUnitFactory(level=OrgUnit.Level.DISTRICT, parent=province, valid_to=D(2025, 6, 30))
    commune = OrgUnitFactory(level=OrgUnit.Level.COMMUNE, parent=district)

    assert unit_superior(unit=commune, on_date=D(2025, 7, 1)) is None
    assert unit_superior_head_on(unit=commune, on_date=D(2025, 7, 1)) is None


def test_units_a_person_may_act_for_depend_on_role_and_date(department, other_unit, deputy):
    # The deputy is also seconded to the finance department as its secretariat for 2025 only.
    PositionFactory(
        person=deputy, unit=other_unit, role=Position.Role.SECRETARIAT, start_date=D(2025, 1, 1), end_date=D(2025, 12, 31)
    )

    assert list(units_person_may_act_for(person=deputy, on_date=D(2025, 6, 1))) == sorted(
        [department, other_unit], key=lambda u: u.path
    )
    assert list(units_person_may_act_for(person=deputy, on_date=D(2026, 1, 1))) == [department]
    assert list(units_person_may_act_for(person=deputy, on_date=D(2023, 6, 1))) == []
    assert list(
        units_person_may_act_for(person=deputy, on_date=D(2025, 6, 1), roles=(Position.Role.SECRETARIAT,))
    ) == [other_unit]
    assert list(
        units_person_may_act_for(person=deputy, on_date=D(2025, 6, 1), roles=(Position.Role.HEAD,))
    ) == []


def test_an_empty_role_list_gives_no_unit_rather_than_every_unit(department, deputy):
    assert list(units_person_may_act_for(person=deputy, on_date=D(2025, 6, 1), roles=())) == []
    assert list(units_in_scope_of(person=deputy, on_date=D(2025, 6, 1), roles=())) == []


def test_positions_of_a_person_are_those_held_on_the_date(head, department):
    assert [p.unit for p in positions_of(person=head, on_date=D(2025, 6, 1))] == [department]
    assert list(positions_of(person=head, on_date=D(2023, 6, 1))) == []


def test_an_inspectors_scope_is_the_subtree_of_their_unit(province, department, other_unit, inspector):
    commune = OrgUnitFactory(parent=department, level=OrgUnit.Level.COMMUNE)
    elsewhere = OrgUnitFactory(code="UBND-HN", name="Ủy ban nhân dân thành phố Hà Nội")
    OrgUnitFactory(parent=elsewhere)

    scope = units_in_scope_of(person=inspector, on_date=D(2025, 6, 1), roles=(Position.Role.INSPECTOR,))

    assert set(scope) == {province, department, other_unit, commune}


def test_a_scope_below_the_top_excludes_siblings_and_parents(province, department, other_unit, secretariat):
    team = OrgUnitFactory(parent=department)

    scope = units_in_scope_of(person=secretariat, on_date=D(2025, 6, 1), roles=(Position.Role.SECRETARIAT,))

    assert set(scope) == {department, team}


def test_a_scope_from_the_positions_the_page_read_is_the_same_without_a_query_for_the_paths(
        province, department, other_unit, secretariat, django_assert_num_queries):
    OrgUnitFactory(parent=department)
    held = list(positions_of(person=secretariat, on_date=D(2025, 6, 1)))
    roles = (Position.Role.SECRETARIAT,)

    with django_assert_num_queries(0):
        scope = units_in_scope_of(person=secretariat, on_date=D(2025, 6, 1), roles=roles, held=held)

    assert set(scope) == set(units_in_scope_of(person=secretariat, on_date=D(2025, 6, 1), roles=roles))
    assert not set(units_in_scope_of(person=secretariat, on_date=D(2025, 6, 1), roles=(Position.Role.HEAD,), held=held))


def test_the_scope_prefix_does_not_catch_units_whose_id_starts_alike(db):
    # "/9001/" must not match "/90011/": the trailing slash of the path keeps them apart.
    unit = OrgUnitFactory(pk=9001)
    look_alike = OrgUnitFactory(pk=90011)
    assert look_alike.path.startswith(unit.path[:-1])
    person = UserFactory()
    PositionFactory(person=person, unit=unit, role=Position.Role.INSPECTOR, start_date=D(2024, 1, 1))

    scope = units_in_scope_of(person=person, on_date=D(2025, 6, 1), roles=(Position.Role.INSPECTOR,))

    assert list(scope) == [unit]


def test_the_database_refuses_two_open_ended_heads(department, head):
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(unit=department, role=Position.Role.HEAD, start_date=D(2025, 6, 1))


def test_clean_refuses_a_head_term_that_overlaps_another(change_of_head, department):
    overlapping = Position(
        person=UserFactory(), unit=department, role=Position.Role.HEAD, start_date=D(2025, 5, 1), end_date=D(2025, 5, 31)
    )
    with pytest.raises(ValidationError, match="người đứng đầu"):
        overlapping.full_clean()

    # Back-to-back terms are fine: the day after the old term ends.
    old_term, new_term = change_of_head
    old_term.full_clean()
    new_term.full_clean()


def test_clean_refuses_a_term_that_ends_before_it_starts(department):
    position = Position(
        person=UserFactory(), unit=department, role=Position.Role.DEPUTY, start_date=D(2025, 6, 1), end_date=D(2025, 5, 1)
    )
    with pytest.raises(ValidationError):
        position.full_clean()


def test_a_new_unit_gets_its_path_from_its_parent(province, department):
    commune = OrgUnitFactory(parent=department)

    assert province.path == f"/{province.pk}/"
    assert department.path == f"/{province.pk}/{department.pk}/"
    commune.refresh_from_db()
    assert commune.path == f"{department.path}{commune.pk}/"


def test_moving_a_unit_re_roots_its_descendants(province, department, other_unit):
    team = OrgUnitFactory(parent=department)
    sub_team = OrgUnitFactory(parent=team)

    department.parent = other_unit
    department.save()

    for unit in (department, team, sub_team):
        unit.refresh_from_db()
    assert department.path == f"{other_unit.path}{department.pk}/"
    assert team.path == f"{department.path}{team.pk}/"
    assert sub_team.path == f"{team.path}{sub_team.pk}/"
    assert set(OrgUnit.objects.subtree_of(other_unit)) == {other_unit, department, team, sub_team}


def test_saving_an_instance_loaded_before_its_parent_moved_keeps_the_right_path(province, department, other_unit):
    team = OrgUnitFactory(parent=department)
    stale_team = OrgUnit.objects.select_related("parent").get(pk=team.pk)

    department.parent = other_unit
    department.save()
    stale_team.name = "Phòng Tổ chức cán bộ"
    stale_team.save()

    team.refresh_from_db()
    assert team.path == f"{other_unit.path}{department.pk}/{team.pk}/"
    assert team in OrgUnit.objects.subtree_of(other_unit)


def test_a_unit_cannot_be_saved_under_its_own_sub_unit(province, department):
    province.parent = department
    with pytest.raises(ValueError):
        province.save()


def test_clean_refuses_a_cycle_in_parents(province, department):
    team = OrgUnitFactory(parent=department)

    province.parent = team
    with pytest.raises(ValidationError, match="cấp trên"):
        province.full_clean()
    department.parent = department
    with pytest.raises(ValidationError, match="cấp trên"):
        department.full_clean()


def test_clean_refuses_a_district_unit_valid_after_30_june_2025(province):
    still_open = OrgUnit(code="H-HL", name="UBND thành phố Hạ Long", level=OrgUnit.Level.DISTRICT, parent=province)
    ends_on_1_july = OrgUnit(
        code="H-CP", name="UBND thành phố Cẩm Phả", level=OrgUnit.Level.DISTRICT, parent=province,
        valid_to=D(2025, 7, 1),
    )
    history = OrgUnit(
        code="H-UB", name="UBND thành phố Uông Bí", level=OrgUnit.Level.DISTRICT, parent=province,
        valid_to=D(2025, 6, 30),
    )

    for unit in (still_open, ends_on_1_july):
        with pytest.raises(ValidationError, match="01/7/2025"):
            unit.full_clean()
    history.full_clean()


def test_the_database_refuses_a_district_unit_valid_after_30_june_2025(province):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnitFactory(level=OrgUnit.Level.DISTRICT, parent=province, valid_to=D(2025, 7, 1))
    OrgUnitFactory(level=OrgUnit.Level.DISTRICT, parent=province, valid_to=D(2025, 6, 30))


def test_the_database_refuses_a_district_unit_with_no_end_date(province):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrgUnitFactory(level=OrgUnit.Level.DISTRICT, parent=province, valid_to=None)
