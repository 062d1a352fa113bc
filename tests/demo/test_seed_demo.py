"""The demo province (`accounts.demo`, seeded once for the module): shape, history, idempotency, logins."""

import datetime

import pytest
from django.db import transaction
from django.test import override_settings

from accounts.demo import DEMO_PASSWORD, demo_logins, seed_demo
from accounts.models import OrgUnit, Position, User
from accounts.selectors import unit_deputies_on, unit_head_on
from tests.factories import FAST_PASSWORD_HASHERS

# A day after the 2025 reorganisation, when every active demo unit is staffed.
ON = datetime.date(2026, 1, 15)
DEPARTMENTS = ["QN-SNV", "QN-STC", "QN-SKHCN", "QN-SXD", "QN-SYT"]
COMMUNES = ["QN-P-HALONG", "QN-P-CAMPHA", "QN-P-MONGCAI1", "QN-X-TIENYEN", "QN-DK-VANDON"]
PUBLIC_SERVICE_UNITS = ["QN-BVDK", "QN-CDC"]


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """The demo province, seeded once for the module's tests (a few seconds each time) in a transaction rolled back
    after the last of them; each test runs in a savepoint of it (pytest-django's `db`), so what one test changes
    (a re-seed, an edited unit) is gone for the next. The commands, which commit or run with other settings, are
    tried on an empty database in test_seed_demo_command.py."""
    # Hashed as the tests' own sign-ins check it (tests/conftest.py: per test, too late for this module's setup).
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, db):
    return _seeded_once


def _counts():
    return OrgUnit.objects.count(), User.objects.count(), Position.objects.count()


def _held(unit, role):
    return Position.objects.held_on(ON).filter(unit=unit, role=role)


def test_seed_builds_the_tree_central_province_departments_communes(seeded):
    government = OrgUnit.objects.get(code="TW-CP")
    ubnd = OrgUnit.objects.get(code="QN-UBND")
    assert (government.name, government.level, government.parent) == ("Chính phủ", OrgUnit.Level.CENTRAL, None)
    # Review finding 6: a provincial body dates its documents from the province's name, not "Hạ Long" (a ward now).
    assert (ubnd.name, ubnd.level, ubnd.abbreviation, ubnd.place_name) == (
        "Ủy ban nhân dân tỉnh Quảng Ninh", OrgUnit.Level.PROVINCE, "UBND", "Quảng Ninh"
    )
    assert ubnd.parent == government
    for code in DEPARTMENTS:
        unit = OrgUnit.objects.get(code=code)
        assert (unit.parent, unit.level, unit.kind) == (ubnd, OrgUnit.Level.PROVINCE, OrgUnit.Kind.STATE_AGENCY)
    for code in COMMUNES:
        unit = OrgUnit.objects.get(code=code)
        assert (unit.parent, unit.level) == (ubnd, OrgUnit.Level.COMMUNE)
        assert unit.valid_from == datetime.date(2025, 7, 1)
    for code in PUBLIC_SERVICE_UNITS:
        assert OrgUnit.objects.get(code=code).kind == OrgUnit.Kind.PUBLIC_SERVICE
    # Every unit hangs under the government: one prefix query finds the whole province.
    assert OrgUnit.objects.subtree_of(government).count() == OrgUnit.objects.count()


def test_every_active_unit_has_head_two_deputies_leaders_and_secretariat(seeded):
    active = OrgUnit.objects.active_on(ON)
    assert active.count() == 2 + len(DEPARTMENTS) + len(PUBLIC_SERVICE_UNITS) + len(COMMUNES)
    for unit in active:
        assert unit_head_on(unit=unit, on_date=ON) is not None, unit
        assert len(unit_deputies_on(unit=unit, on_date=ON)) == 2, unit
        assert 2 <= _held(unit, Position.Role.STAFF).count() <= 3, unit
        assert _held(unit, Position.Role.SECRETARIAT).count() == 1, unit


def test_named_demo_logins_hold_the_expected_positions(seeded):
    snv = OrgUnit.objects.get(code="QN-SNV")
    ubnd = OrgUnit.objects.get(code="QN-UBND")
    assert unit_head_on(unit=snv, on_date=ON).person.username == "gd.snv"
    assert unit_head_on(unit=snv, on_date=ON).title == "Giám đốc Sở"
    assert [p.person.username for p in unit_deputies_on(unit=snv, on_date=ON)] == ["pgd1.snv", "pgd2.snv"]
    assert _held(snv, Position.Role.STAFF).filter(person__username="tp.snv").exists()
    assert _held(snv, Position.Role.SECRETARIAT).get().person.username == "tccb.snv"
    assert unit_head_on(unit=ubnd, on_date=ON).person.username == "ct.ubnd"
    assert unit_head_on(unit=OrgUnit.objects.get(code="TW-CP"), on_date=ON).title == "Thủ tướng Chính phủ"
    assert _held(ubnd, Position.Role.INSPECTOR).get().person.username == "thanhtra"
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


def test_positions_carry_the_article_2_category(seeded):
    hospital_head = unit_head_on(unit=OrgUnit.objects.get(code="QN-BVDK"), on_date=ON)
    assert hospital_head.category == Position.Category.PUBLIC_SERVICE_MANAGER
    snv = OrgUnit.objects.get(code="QN-SNV")
    assert set(_held(snv, Position.Role.STAFF).values_list("category", flat=True)) == {Position.Category.STATE_LEADER}
    assert _held(snv, Position.Role.SECRETARIAT).get().category == Position.Category.OTHER


def test_the_demo_units_are_set_to_print_their_documents_as_on_paper(seeded):
    """Review-register-decide.md §2: a department names its People's Committee above it, a People's Committee names
    nothing (finding 1); heads sign with the title only (2); provincial bodies date from the province, communes from
    their own name (6); every decision starts with the unit's competence basis (7)."""
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    for code in DEPARTMENTS + PUBLIC_SERVICE_UNITS:
        assert units[code].print_parent_line, code
        assert units[code].place_name == "Quảng Ninh", code
    for code in ["QN-UBND", "TW-CP", *COMMUNES]:
        assert not units[code].print_parent_line, code
    assert [units[code].place_name for code in COMMUNES] == ["Hạ Long", "Cẩm Phả", "Móng Cái 1", "Tiên Yên", "Vân Đồn"]
    assert units["QN-UBND"].competence_basis.startswith("Căn cứ Luật Tổ chức chính quyền địa phương")
    assert units["QN-SNV"].competence_basis.startswith("Căn cứ Nghị định số 45/2025/NĐ-CP")
    assert all(units[code].competence_basis for code in ["QN-UBND", "TW-CP", *DEPARTMENTS, *COMMUNES])
    signing = {
        (unit, role): unit_head_on(unit=units[unit], on_date=ON).signing_title if role == "head"
        else unit_deputies_on(unit=units[unit], on_date=ON)[0].signing_title
        for unit in ("QN-UBND", "QN-SNV", "QN-BVDK", "QN-P-HALONG") for role in ("head", "deputy")
    }
    assert signing == {
        ("QN-UBND", "head"): "Chủ tịch", ("QN-UBND", "deputy"): "Phó Chủ tịch",
        ("QN-SNV", "head"): "Giám đốc", ("QN-SNV", "deputy"): "Phó Giám đốc",
        ("QN-BVDK", "head"): "Giám đốc", ("QN-BVDK", "deputy"): "Phó Giám đốc",
        ("QN-P-HALONG", "head"): "Chủ tịch", ("QN-P-HALONG", "deputy"): "Phó Chủ tịch",
    }


def test_seeding_twice_changes_nothing(seeded):
    before = _counts()
    assert seeded.changed

    again = seed_demo()

    assert not again.changed
    assert _counts() == before


def test_reseed_keeps_admin_edits(seeded):
    snv = OrgUnit.objects.get(code="QN-SNV")
    OrgUnit.objects.filter(pk=snv.pk).update(name="Sở Nội vụ (đã sửa)")

    seed_demo()

    assert OrgUnit.objects.get(pk=snv.pk).name == "Sở Nội vụ (đã sửa)"


def test_district_unit_is_history_with_its_successor(seeded):
    district = OrgUnit.objects.get(code="QN-H-HALONG")
    ward = OrgUnit.objects.get(code="QN-P-HALONG")
    assert district.level == OrgUnit.Level.DISTRICT
    assert district.valid_to == datetime.date(2025, 6, 30)
    assert district.successor == ward
    assert OrgUnit.objects.active_on(datetime.date(2025, 6, 30)).filter(pk=district.pk).exists()
    assert not OrgUnit.objects.active_on(datetime.date(2025, 7, 1)).filter(pk=district.pk).exists()
    # The city's last chairman leads the ward that succeeded it: one person, two positions over time.
    assert unit_head_on(unit=district, on_date=datetime.date(2025, 6, 30)).person.username == "ct.phl"
    assert unit_head_on(unit=ward, on_date=datetime.date(2025, 7, 1)).person.username == "ct.phl"
    assert unit_head_on(unit=district, on_date=datetime.date(2025, 7, 1)) is None


def test_change_of_head_is_visible_on_both_dates(seeded):
    snv = OrgUnit.objects.get(code="QN-SNV")

    before = unit_head_on(unit=snv, on_date=datetime.date(2025, 2, 28))
    after = unit_head_on(unit=snv, on_date=datetime.date(2025, 3, 1))

    assert before.person.username == "gdcu.snv"
    assert before.end_date == datetime.date(2025, 2, 28)
    assert after.person.username == "gd.snv"
    assert after.start_date == datetime.date(2025, 3, 1)


def test_login_table_lists_admin_first_and_former_heads_with_their_end_date(seeded):
    logins = demo_logins(on_date=ON)

    assert logins[0].username == "admin"
    by_username = {login.username: login for login in logins}
    assert by_username["gd.snv"].unit == "Sở Nội vụ tỉnh Quảng Ninh"
    assert "28/02/2025" in by_username["gdcu.snv"].role
    assert not any(login.username.startswith("tn") for login in logins)


@pytest.mark.parametrize(
    ("username", "unit_name"),
    [
        ("gd.snv", "Sở Nội vụ tỉnh Quảng Ninh"),
        ("ct.phl", "Ủy ban nhân dân phường Hạ Long"),
        ("thanhtra", "Ủy ban nhân dân tỉnh Quảng Ninh"),
    ],
)
def test_demo_user_logs_in_and_home_page_names_their_unit(seeded, client, username, unit_name):
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )

    assert response.status_code == 200
    assert response.context["user"].username == username
    assert unit_name in response.content.decode()
