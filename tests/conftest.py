"""Personas shared by every test: a province with a department, its leaders, staff and an outsider."""

import datetime

import pytest

from accounts.models import OrgUnit, Position

from .factories import OrgUnitFactory, PositionFactory, UserFactory


@pytest.fixture
def province(db):
    return OrgUnitFactory(code="UBND-QN", name="Ủy ban nhân dân tỉnh Quảng Ninh", abbreviation="UBND")


@pytest.fixture
def department(province):
    return OrgUnitFactory(code="SNV-QN", name="Sở Nội vụ tỉnh Quảng Ninh", abbreviation="SNV", parent=province)


@pytest.fixture
def other_unit(province):
    return OrgUnitFactory(code="STC-QN", name="Sở Tài chính tỉnh Quảng Ninh", abbreviation="STC", parent=province)


def _person_in(unit, role, username, title=""):
    person = UserFactory(username=username)
    PositionFactory(person=person, unit=unit, role=role, title=title, start_date=datetime.date(2024, 1, 1))
    return person


@pytest.fixture
def head(department):
    return _person_in(department, Position.Role.HEAD, "giamdoc", "Giám đốc")


@pytest.fixture
def deputy(department):
    return _person_in(department, Position.Role.DEPUTY, "phogiamdoc1", "Phó Giám đốc")


@pytest.fixture
def deputy2(department):
    return _person_in(department, Position.Role.DEPUTY, "phogiamdoc2", "Phó Giám đốc")


@pytest.fixture
def proposer(department):
    return _person_in(department, Position.Role.STAFF, "truongphong", "Trưởng phòng")


@pytest.fixture
def secretariat(department):
    return _person_in(department, Position.Role.SECRETARIAT, "tochuccanbo", "Chuyên viên tổ chức cán bộ")


@pytest.fixture
def inspector(province):
    return _person_in(province, Position.Role.INSPECTOR, "thanhtra", "Thanh tra viên")


@pytest.fixture
def superior_head(province):
    return _person_in(province, Position.Role.HEAD, "chutich", "Chủ tịch")


@pytest.fixture
def outsider(other_unit):
    return _person_in(other_unit, Position.Role.STAFF, "nguoingoai", "Chuyên viên")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


@pytest.fixture
def units(province, department, other_unit) -> dict[str, OrgUnit]:
    return {"province": province, "department": department, "other": other_unit}
