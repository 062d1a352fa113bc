"""Fixtures of the evaluation stage's tests (plain helpers: tests/evaluation/helpers.py)."""

import pytest

from core.workdays import seed_year
from tests.evaluation.helpers import reported


@pytest.fixture(autouse=True)
def _calendar_2026(db):
    seed_year(2026)


@pytest.fixture
def report(proposer, leaders):
    """A route-A proposal reported after completion (REPORTED), with the department's collective in place."""
    head, deputy, _deputy2 = leaders
    return reported(proposer=proposer, head=head, deputy=deputy)
