"""Plain helpers of the proposer's page tests: their clock, their URLs, the edit form as the browser posts it.

The pages' clock is Tuesday 10/03/2026 09:00 in Hà Nội (`pytestmark = pytest.mark.frozen_at(NOW)`): a plan
received that day is due for review 7 working days later, on Thursday 19/03/2026; "due soon" starts 2 working
days before (the default legal profile).
"""

import datetime

from django.urls import reverse

from tests.lifecycle import HANOI

NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=HANOI)  # a Tuesday
REVIEW_DUE = datetime.date(2026, 3, 19)


def url(name, *args) -> str:
    return reverse(f"proposals:{name}", args=args)


def form_data(plan: dict, **extra) -> dict:
    """What the browser posts for `plan` from the edit page."""
    data = {"plan_form": "1"}
    for name, value in plan.items():
        if name == "pilot_legal_document":
            if value is not None:  # a radio button: "Có" or "Không" is posted once chosen (D-2)
                data[name] = str(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.date):
            data[name] = value.strftime("%d/%m/%Y")
        else:
            data[name] = value
    data.update(extra)
    return data


def walked(section, size: int = 1) -> list:
    """Every item of the inbox section, read `size` at a time by following the cursors (core.paging)."""
    items, cursor = [], None
    while True:
        page = section.page(cursor=cursor, size=size)
        items += page.rows
        if not page.has_next:
            return items
        cursor = page.next_cursor
