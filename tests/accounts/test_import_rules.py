"""The import and the models judge the tree and the heads by the same rules, for one row or thousands."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.importing import org_import_commit, org_import_preview
from accounts.models import OrgUnit, Position, User, place_units
from tests.accounts.spreadsheets import PEOPLE_HEADER, POSITION_HEADER, UNIT_HEADER, counts, csv_bytes, unit_row
from tests.factories import OrgUnitFactory, PositionFactory, UserFactory


def paths() -> dict[str, str]:
    return dict(OrgUnit.objects.values_list("code", "path"))


# --- The tree -------------------------------------------------------------------------------------------


def test_place_units_moves_subtrees_and_finds_loops_made_by_several_moves_at_once():
    stored = {"A": ("A",), "B": ("A", "B"), "C": ("A", "B", "C"), "D": ("D",)}

    moved = place_units({"B": "D"}, stored)
    swapped = place_units({"A": "C", "D": None}, stored)
    crossed = place_units({"A": "D", "D": "C"}, stored)  # each move alone would be fine

    assert moved.chains == {"B": ("D", "B")} and not moved.loops
    assert swapped.loops == {"A"} and swapped.chains == {"D": ("D",)}
    assert crossed.loops == {"A", "D"} and crossed.chains == {}
    # A unit above a loop is neither placed nor part of the loop.
    above = place_units({"X": "Y", "Y": "Z", "Z": "Y"}, {})
    assert above.loops == {"Y", "Z"} and above.chains == {}


def test_place_units_follows_a_chain_deeper_than_python_recursion():
    parents = {f"U{i}": f"U{i - 1}" if i else None for i in range(5000)}

    placement = place_units(parents, {})

    assert len(placement.chains["U4999"]) == 5000 and not placement.loops


def test_an_import_moving_a_unit_writes_the_paths_orgunit_save_writes(units, admin_user):
    department, other, province = units["department"], units["other"], units["province"]
    team = OrgUnitFactory(code="P-TC", parent=department)
    OrgUnitFactory(code="TO-1", parent=team)
    OrgUnitFactory(code="TO-2", parent=team)
    before = paths()
    content = csv_bytes([["ma_don_vi", "ma_don_vi_cap_tren"], ["SNV-QN", "STC-QN"]])

    assert org_import_commit(kind="units", content=content, actor=admin_user, file_name="chuyen.csv").committed
    by_import = paths()
    department.refresh_from_db()
    department.parent = province
    department.save()
    assert paths() == before
    department.parent = other
    department.save()

    assert paths() == by_import
    assert by_import["TO-2"].startswith(f"{other.path}{department.pk}/{team.pk}/")


def test_an_import_moving_a_unit_under_its_own_sub_unit_gets_the_message_of_orgunit_clean(units, admin_user):
    department = units["department"]
    team = OrgUnitFactory(code="P-TC", parent=department)
    department.parent = team
    with pytest.raises(ValidationError) as refused:
        department.clean()
    before = paths()
    content = csv_bytes([["ma_don_vi", "ma_don_vi_cap_tren"], ["SNV-QN", "P-TC"]])

    result = org_import_commit(kind="units", content=content, actor=admin_user, file_name="vong.csv")

    assert [(error.row, error.column, error.message) for error in result.errors] == [
        (2, "ma_don_vi_cap_tren", refused.value.message_dict["parent"][0])
    ]
    assert paths() == before


def test_orgunit_save_refuses_a_loop_and_keeps_the_tree(units):
    department = units["department"]
    team = OrgUnitFactory(code="P-TC", parent=department)
    before = paths()
    department.parent = team

    with pytest.raises(ValueError, match="under itself"):
        department.save()

    assert paths() == before


def test_a_tree_too_deep_for_the_path_column_is_refused_and_nothing_is_written(admin_user, db):
    rows = [["ma_don_vi", "ten_don_vi", "ma_don_vi_cap_tren", "cap"]]
    rows += [[f"U{i}", "Đơn vị", f"U{i - 1}" if i else "", "Cấp xã"] for i in range(100)]
    before = counts()

    result = org_import_commit(kind="units", content=csv_bytes(rows), actor=admin_user, file_name="sau.csv")

    assert not result.committed and counts() == before
    assert len(result.errors) == 1 and result.errors[0].message.startswith("Cây đơn vị quá sâu tại đơn vị «U")


# --- One head at a time ---------------------------------------------------------------------------------


def test_a_head_overlapping_a_stored_head_gets_the_message_of_position_clean(head, department, admin_user):
    newcomer = UserFactory(username="giamdocmoi")
    with pytest.raises(ValidationError) as refused:
        Position(person=newcomer, unit=department, role="head", start_date=datetime.date(2026, 1, 1)).clean()
    content = csv_bytes([POSITION_HEADER, ["giamdocmoi", "SNV-QN", "head", "", "", "01/01/2026", ""]])

    result = org_import_preview(kind="positions", content=content)

    assert [(error.row, error.column, error.message) for error in result.errors] == [
        (2, "Từ ngày", refused.value.message_dict["start_date"][0])
    ]


def test_overlapping_heads_judges_given_positions_as_the_write_will_leave_them(head, department):
    sitting = Position.objects.get(person=head)
    successor = Position(
        person=UserFactory(username="giamdocmoi"), unit=department, role="head", start_date=datetime.date(2026, 1, 1)
    )
    deputy = Position(person=head, unit=department, role="deputy", start_date=datetime.date(2026, 1, 1))

    assert Position.overlapping_heads([successor, deputy]) == [[sitting], []]
    sitting.end_date = datetime.date(2025, 12, 31)
    assert Position.overlapping_heads([successor, sitting]) == [[], []]
    sitting.end_date = None
    assert Position.overlapping_heads([successor, sitting]) == [[sitting], [successor]]


# --- Bulk: a fixed number of queries, not one per row ---------------------------------------------------


def test_two_thousand_units_import_in_bulk(province, admin_user, django_assert_max_num_queries):
    rows = [UNIT_HEADER] + [unit_row(f"SO-{i}", f"Sở {i}", parent="UBND-QN") for i in range(20)]
    rows += [unit_row(f"PHONG-{i}", f"Phòng {i}", parent=f"SO-{i % 20}", level="Cấp xã") for i in range(1980)]

    # Every unit read once, the lookups of stored paths in chunks of 500, the inserts one depth at a time,
    # the paths one depth at a time: a few dozen queries.
    with django_assert_max_num_queries(60):
        result = org_import_commit(kind="units", content=csv_bytes(rows), actor=admin_user, file_name="2000.csv")

    assert result.committed and len(result.to_create) == 2000
    office, department = OrgUnit.objects.get(code="PHONG-21"), OrgUnit.objects.get(code="SO-1")
    assert office.path == f"{province.path}{department.pk}/{office.pk}/"


def test_updating_and_moving_existing_units_does_not_query_per_row(province, admin_user, django_assert_max_num_queries):
    departments = [OrgUnitFactory(code=f"SO-{i}", parent=province) for i in range(10)]
    offices = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"PHONG-{i}", name="Phòng", level="commune", parent=departments[i % 10]) for i in range(500)
    )
    OrgUnit.update_paths(offices)
    rows = [["ma_don_vi", "ten_don_vi", "ma_don_vi_cap_tren", "cap"], ["KHOI", "Khối", "UBND-QN", "Cấp tỉnh"]]
    rows += [[f"PHONG-{i}", f"Phòng mới {i}", "", ""] for i in range(500)]
    rows += [[f"SO-{i}", "", "KHOI", ""] for i in range(10)]  # ten departments move, with their 500 offices

    with django_assert_max_num_queries(60):
        result = org_import_commit(kind="units", content=csv_bytes(rows), actor=admin_user, file_name="500.csv")

    assert result.errors == [] and (len(result.to_create), len(result.to_update)) == (1, 510)
    block, office = OrgUnit.objects.get(code="KHOI"), OrgUnit.objects.get(code="PHONG-13")
    assert office.path == f"{block.path}{departments[3].pk}/{office.pk}/" and office.name == "Phòng mới 13"


def test_two_thousand_positions_with_a_hundred_heads_import_in_bulk(
    province, admin_user, django_assert_max_num_queries
):
    units = [OrgUnitFactory(code=f"DV-{i}", parent=province) for i in range(100)]
    User.objects.bulk_create(User(username=f"cb{i}", full_name=f"Cán bộ {i}") for i in range(2100))
    for unit in units:
        PositionFactory(person=UserFactory(), unit=unit, role="head", start_date=datetime.date(2020, 1, 1))
    rows = [POSITION_HEADER] + [
        [f"cb{i}", f"DV-{i % 100}", "head" if i < 100 else "staff", "", "", "01/01/2026", ""] for i in range(2000)
    ]
    # Each unit's sitting head is closed by the same file, which frees the post.
    rows += [
        [head.person.username, head.unit.code, "head", "", "", "01/01/2020", "31/12/2025"]
        for head in Position.objects.filter(role="head").select_related("person", "unit")
    ]

    with django_assert_max_num_queries(60):
        result = org_import_commit(kind="positions", content=csv_bytes(rows), actor=admin_user, file_name="cv.csv")

    assert result.errors == [] and (len(result.to_create), len(result.to_update)) == (2000, 100)
    assert Position.objects.held_on(datetime.date(2026, 1, 1)).filter(role="head").count() == 100


def test_two_thousand_people_import_in_bulk(admin_user, django_assert_max_num_queries):
    rows = [PEOPLE_HEADER] + [
        [f"canbo{i:05d}", f"Cán bộ số {i}", f"canbo{i:05d}@example.gov.vn", f"M{i:05d}"] for i in range(2000)
    ]
    content = csv_bytes(rows)

    # Lookups in chunks of 500 usernames (existing, case-insensitive clash, employee codes: 4 each), the
    # insert batches (on SQLite 999 parameters / 14 columns = 71 rows each, so 29; on PostgreSQL 4), the
    # savepoint and the audit event: a few dozen queries, not one or more per row.
    with django_assert_max_num_queries(60):
        result = org_import_commit(kind="people", content=content, actor=admin_user, file_name="2000.csv")

    assert result.committed and len(result.to_create) == 2000
    assert User.objects.filter(username__startswith="canbo0").count() == 2000
    assert User.objects.get(username="canbo01999").employee_code == "M01999"
