"""The navigation's badges in one query: unread notifications and the tasks pending (issue 12 §1).

The tasks pending are the rows of every inbox section (core.stages), each section counted up to `TASKS_LIMIT` + 1
in a subquery, so the badge costs one indexed query whatever the number of rows, and none of its own on a page that
annotates the same expressions onto a query it makes anyway (the proposal page).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db.models import Expression, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL

from .notifications import unread, unread_count_subquery
from .stages import stages

TASKS_LIMIT = 99  # the badge reads "99+" beyond


def _bounded_count(rows: QuerySet) -> tuple[str, tuple] | None:
    """How many of `rows` (at most TASKS_LIMIT + 1), as the SQL of a scalar subquery and its parameters; None when
    `rows` can match nothing (the ORM refuses to write such a query)."""
    first = rows.order_by().values("pk")[: TASKS_LIMIT + 1]
    try:
        sql, params = first.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"(SELECT COUNT(*) FROM ({sql}) counted)", params  # noqa: S608 (the ORM's SQL; values stay parameters)


def tasks_pending_expression(sections) -> Expression:
    """The rows of all `sections` (InboxSection: their `rows`) as one expression; a section that can have no row
    (`.none()`) adds nothing.

    Raw SQL rather than a sum of Subquery expressions: each section's query is compiled once on its own, where
    resolving a dozen subqueries into the outer query cloned and relabelled every one of them, which a profile of
    the list page at 20,000 proposals showed costing more than half of the page's time (issue 10). The sections'
    queries are not correlated to the outer one, so nothing is lost.
    """
    counts = [_bounded_count(section.rows) for section in sections if not section.rows.query.is_empty()]
    counts = [count for count in counts if count is not None]
    if not counts:
        return Value(0, output_field=IntegerField())
    return RawSQL(" + ".join(  # noqa: S611 (the ORM's SQL, values as parameters)
        sql for sql, _params in counts), [p for _sql, params in counts for p in params],
        output_field=IntegerField())


def badge_expressions(request) -> dict[str, Expression]:
    """What the navigation bar counts, as expressions a page may annotate onto its own query."""
    return {
        "notifications_unread": unread_count_subquery(request.user),
        "tasks_pending": tasks_pending_expression(stages.inbox_of(request)),
    }


def badges_from_sections(request, sections) -> dict[str, int]:
    """The navigation's counts on a page that counted every inbox section anyway (the inbox page; read the sections'
    first pages before): the pending tasks summed from the sections' counts, each bounded as the badge's query bounds
    them, and the unread notifications by one small COUNT, instead of the badge's query that compiles and runs every
    section's query again."""
    return {"notifications_unread": unread(request.user).count(),
            "tasks_pending": sum(min(section.count, TASKS_LIMIT + 1) for section in sections)}


def badge_counts(request) -> dict[str, int]:
    """The navigation bar's counts for the signed-in person: one query."""
    return get_user_model()._base_manager.filter(pk=request.user.pk).values(**badge_expressions(request)).get()
