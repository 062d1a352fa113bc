"""Fixtures of the reminder tests (plain helpers: tests/reminders/helpers.py).

The clock starts on Monday 02/03/2026 09:00 in Hà Nội (2026 holidays seeded): a plan submitted then must be
reviewed by Wednesday 11/03 (7 working days), so the reminders fall on Monday 09/03 (2 working days before) and
Wednesday 11/03 (on the day), and the escalation on Thursday 12/03.
"""

import pytest

from core.workdays import seed_year
from tests.reminders.helpers import MONDAY


@pytest.fixture(autouse=True)
def _monday(db, time_machine):
    seed_year(2026)
    time_machine.move_to(MONDAY, tick=False)
