"""Fixtures of the public register's tests (plain helpers: tests/publication/helpers.py)."""

import pytest

from tests.publication.helpers import NOW, approve, publish


@pytest.fixture
def clock(time_machine):
    """Tuesday 10/03/2026 09:00 in Hà Nội, running."""
    time_machine.move_to(NOW, tick=True)
    return NOW


@pytest.fixture
def approved(clock, proposer, head, deputy, secretariat):
    """The proposer's plan, approved by the Sở Nội vụ (route A), not published."""
    return approve(proposer=proposer, head=head, deputy=deputy)


@pytest.fixture
def published(approved, head):
    """The approved proposal's summary, published by the head of the Sở Nội vụ."""
    return publish(approved, head)
