"""What an internal quarterly report holds (spec reports.md "Internal quarterly report" [I], no legal source):
columns 2, 4–8, 10–11 and 15 of the annual table for the quarter, the open steps by due state, and the overdue
steps. Figures for every unit at once: the period's records are grouped by unit once, then added to the unit and
all its ancestors, so a province's thousand units cost the same queries as one.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator

from accounts.models import OrgUnit
from core import workdays
from proposals.models import Proposal, Step
from proposals.selectors import current_profile
from proposals.transitions import Status

from . import figures
from .periods import Period

GROUPS = (2, 4, 5, 6, 7, 8, 10, 11, 15)
KEYS = tuple(column.key for column in figures.COLUMNS if column.group in GROUPS)
OVERDUE_LISTED = 100  # the report lists the first overdue steps by due date; the counts cover them all
DUE_STATES = ("on_time", "due_soon", "overdue")


def _ancestors(path: str) -> list[str]:
    segments = path.strip("/").split("/")
    return ["/" + "/".join(segments[: i + 1]) + "/" for i in range(len(segments))]


def contents(period: Period, *, today: datetime.date) -> Iterator[tuple[OrgUnit, dict]]:
    """(unit, figures) for every unit with proposals in its subtree, in path order."""
    roots = list(OrgUnit.objects.filter(parent__isnull=True))
    per_unit: dict[int, dict[str, int]] = {}
    for root in roots:
        per_unit.update(figures.unit_values(root, period))
    steps = list(
        Step.objects.open().values("proposal_id", "proposal__code", "proposal__title", "proposal__unit_id", "label", "due_on")
        .order_by("due_on", "pk")
    )
    unit_ids = set(per_unit) | {step["proposal__unit_id"] for step in steps}
    with_proposals = set(
        Proposal.objects.exclude(status=Status.DRAFT).order_by().values_list("unit_id", flat=True).distinct()
    )
    paths = dict(OrgUnit.objects.filter(pk__in=unit_ids | with_proposals).values_list("pk", "path"))
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    due: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DUE_STATES, 0))
    overdue: dict[str, list] = defaultdict(list)
    for unit_id, values in per_unit.items():
        for path in _ancestors(paths[unit_id]):
            for key in KEYS:
                totals[path][key] += values.get(key, 0)
    soon = workdays.add_working_days(today, current_profile(on_date=today).due_soon_wd)
    for step in steps:
        state = "overdue" if step["due_on"] < today else "due_soon" if step["due_on"] <= soon else "on_time"
        for path in _ancestors(paths[step["proposal__unit_id"]]):
            due[path][state] += 1
            if state == "overdue" and len(overdue[path]) < OVERDUE_LISTED:
                overdue[path].append({
                    "proposal_id": step["proposal_id"], "code": step["proposal__code"] or "",
                    "title": step["proposal__title"], "label": step["label"], "due_on": step["due_on"].isoformat(),
                })
    reported = {path for unit_id in with_proposals for path in _ancestors(paths[unit_id])}
    for unit in OrgUnit.objects.filter(path__in=reported).order_by("path"):
        yield unit, {
            "start": period.start.isoformat(), "end": period.end.isoformat(), "as_of": today.isoformat(),
            "values": {key: totals[unit.path].get(key, 0) for key in KEYS},
            "due": due[unit.path] if unit.path in due else dict.fromkeys(DUE_STATES, 0),
            "overdue": overdue.get(unit.path, []),
        }
