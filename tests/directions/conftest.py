"""Fixtures of the directions' tests (plain helpers: tests/directions/helpers.py)."""

import pytest

from tests.directions.helpers import implementing


@pytest.fixture
def proposal(proposer, head, deputy, deputy2, secretariat):
    """The proposer's plan, approved by the department's collective and head, in implementation (route A)."""
    return implementing(proposer=proposer, head=head, deputy=deputy)
