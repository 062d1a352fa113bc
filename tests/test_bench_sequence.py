"""The browser sequence's breakdown (scripts/bench_pages.py): the per-step figures printed under the sequence's total
add up to it, each taken from the right Navigation Timing figure of the right page."""

import pytest

from scripts.bench_pages import SEQUENCE_STEPS, sequence_breakdown


def test_the_steps_of_a_run_add_up_to_its_total():
    # NAVIGATION_TIMING per page: [until the GET is sent, the GET to its first byte, the rest until the load event].
    form, edit, detail = [2.0, 30.0, 40.0], [20.0, 35.0, 45.0], [40.0, 50.0, 30.0]
    steps = sequence_breakdown([form, edit, detail], total=500.0)
    assert list(steps) == [*SEQUENCE_STEPS, "driver (clicks, fill, waits)"]
    assert steps["form GET"] == 30.0
    assert steps["create POST+302"] == 20.0
    assert steps["edit render"] == 45.0
    assert steps["submit POST+302"] == 40.0
    assert steps["detail GET"] == 50.0
    # goto's own 2 ms before the form's request is the driver's, with the clicks and waits.
    assert steps["driver (clicks, fill, waits)"] == pytest.approx(500 - 290)
    assert sum(steps.values()) == pytest.approx(500)
