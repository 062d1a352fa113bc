"""Open and close the dated steps of a proposal (`Step`): one place that computes their due dates.

Called by the stage services inside their transaction, after they have locked the proposal. Due dates are
counted in working days from the one calendar (core.workdays, spec README §4).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import workdays

from .models import Proposal, Step


def due_after(start: datetime.date, working_days: int) -> datetime.date:
    """The day a step is due `working_days` after `start` (the day of `start` itself is not counted)."""
    return workdays.add_working_days(start, working_days)


def step_open(*, proposal: Proposal, kind: str, label: str, due_on: datetime.date, unit, person=None) -> Step:
    """Open the step `kind` of `proposal`; an open one of that kind is kept as it is (a repeated call)."""
    try:
        with transaction.atomic():
            return Step.objects.create(
                proposal=proposal, kind=kind, label=label[:200], due_on=due_on, unit=unit, person=person,
            )
    except IntegrityError:
        return Step.objects.open().get(proposal=proposal, kind=kind)


def step_close(*, proposal: Proposal, kind: str) -> int:
    """Close the open step `kind` of `proposal` (done, or no longer due); the count of steps closed (0 or 1)."""
    return Step.objects.open().filter(proposal=proposal, kind=kind).update(closed_at=timezone.now())


def open_steps(proposal: Proposal) -> list[Step]:
    return list(Step.objects.open().filter(proposal=proposal).select_related("unit", "person").order_by("due_on"))
