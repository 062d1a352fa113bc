"""The navigation's badges in one query: unread notifications and the tasks pending (issue 12 §1).

The tasks pending are the rows of every inbox section (core.stages), each section counted up to `TASKS_LIMIT` + 1
in a subquery, so the badge costs one indexed query whatever the number of rows, and none of its own on a page that
annotates the same expressions onto a query it makes anyway (the proposal page).
"""

from django.contrib.auth import get_user_model
from django.db.models import Expression, F, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .notifications import unread_count_subquery
from .stages import stages

TASKS_LIMIT = 99  # the badge reads "99+" beyond


def _bounded_count(rows: QuerySet) -> Expression:
    """How many of `rows` (at most TASKS_LIMIT + 1), as a scalar subquery."""
    first = rows.order_by().values("pk")[: TASKS_LIMIT + 1]
    # COUNT as a plain function: a subquery of one row with no GROUP BY (an aggregate here would group by pk).
    counted = rows.model._base_manager.filter(pk__in=first).order_by().annotate(
        counted=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("counted")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def tasks_pending_expression(sections) -> Expression:
    """The rows of all `sections` (InboxSection: their `rows`) as one expression; a section that can have no row
    (`.none()`) adds nothing."""
    counts = [_bounded_count(section.rows) for section in sections if not section.rows.query.is_empty()]
    return sum(counts, start=Value(0, output_field=IntegerField()))


def badge_expressions(request) -> dict[str, Expression]:
    """What the navigation bar counts, as expressions a page may annotate onto its own query."""
    return {
        "notifications_unread": unread_count_subquery(request.user),
        "tasks_pending": tasks_pending_expression(stages.inbox_of(request)),
    }


def badge_counts(request) -> dict[str, int]:
    """The navigation bar's counts for the signed-in person: one query."""
    return get_user_model()._base_manager.filter(pk=request.user.pk).values(**badge_expressions(request)).get()
