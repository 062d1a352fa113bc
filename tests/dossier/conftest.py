"""Fixtures of the dossier's tests (plain helpers: tests/dossier/helpers.py)."""

import pytest

from approvals.models import Decision, Meeting
from proposals.transitions import Status
from tests.dossier.helpers import NOW
from tests.lifecycle import drive_to


@pytest.fixture
def _documents_laid_out_blank():
    """The dossier's tests read the documents it gathers: WeasyPrint lays them out (tests/conftest.py, where this
    name stands in a blank page for every other test)."""


@pytest.fixture
def clock(time_machine):
    """Tuesday 10/03/2026 09:00 in Hà Nội, running: each record gets its own moment."""
    time_machine.move_to(NOW, tick=True)
    return NOW


@pytest.fixture
def approved(clock, proposer, head, deputy, secretariat):
    """A route-A proposal approved through the services: a consultation, closed minutes, an approval decision."""
    return drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)


@pytest.fixture
def decision(approved) -> Decision:
    return Decision.objects.get(proposal=approved)


@pytest.fixture
def minutes(approved) -> Meeting:
    return Meeting.objects.get(proposal=approved, state=Meeting.State.CLOSED)
