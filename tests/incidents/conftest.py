"""Fixtures of the incidents tests (plain helpers: tests/incidents/helpers.py).

Personas (tests/conftest.py): the province (UBND tỉnh) with its inspector (`inspector`, thanh tra tỉnh) and its
head (`superior_head`); the department (Sở Nội vụ) with its head, deputies, secretariat and the proposer; the
other department (Sở Tài chính) with the `outsider`. Here: an inspector of the department itself and one of the
other department (a handler elsewhere).
"""

import datetime

import pytest

from accounts.models import Position
from tests.factories import PositionFactory, UserFactory

from .helpers import report


@pytest.fixture(autouse=True)
def _empty_cache(cache_of_its_own):
    """The public pages count requests per address in the cache: every test starts with no count."""


def _inspector(unit, username):
    person = UserFactory(username=username)
    PositionFactory(person=person, unit=unit, role=Position.Role.INSPECTOR, title="Thanh tra viên",
                    start_date=datetime.date(2024, 1, 1))
    return person


@pytest.fixture
def dept_inspector(department):
    return _inspector(department, "thanhtraso")


@pytest.fixture
def other_inspector(other_unit):
    return _inspector(other_unit, "thanhtrakhac")


@pytest.fixture
def incident(submitted, proposer, deputy, inspector):
    """The proposer reports the deputy for obstructing the proposal (Art. 6(2)); the province inspector handles it."""
    return report(by=proposer, proposal=submitted, reported_people=[deputy])
