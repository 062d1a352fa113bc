"""The navigation's badges in one query: unread notifications and the tasks pending (issue 12 §1).

The tasks pending are the rows of every inbox section (core.stages), each section counted up to `TASKS_LIMIT` + 1
in a subquery, so the badge costs one indexed query whatever the number of rows, and none of its own on a page that
annotates the same expressions onto a query it makes anyway (the proposal page).
"""

import collections
import threading
import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import Expression, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .notifications import unread, unread_count_subquery
from .stages import stages

TASKS_LIMIT = 99  # the badge reads "99+" beyond
ORG_GENERATION_KEY = "core:org-structure-generation"
COMPILED_KEPT = 1024  # people whose badge statement a process keeps (the least recently used goes first)


def _bounded_count(rows: QuerySet) -> tuple[str, tuple] | None:
    """How many of `rows` (at most TASKS_LIMIT + 1), as the SQL of a scalar subquery and its parameters; None when
    `rows` can match nothing (the ORM refuses to write such a query)."""
    first = rows.order_by().values("pk")[: TASKS_LIMIT + 1]
    try:
        sql, params = first.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"(SELECT COUNT(*) FROM ({sql}) counted)", params  # noqa: S608 (the ORM's SQL; values stay parameters)


def tasks_pending_sql(sections) -> tuple[str, tuple]:
    """The rows of all `sections` (InboxSection: their `rows`) counted in one SQL expression and its parameters; a
    section that can have no row (`.none()`) adds nothing.

    Raw SQL rather than a sum of Subquery expressions: each section's query is compiled once on its own, where
    resolving a dozen subqueries into the outer query cloned and relabelled every one of them, which a profile of
    the list page at 20,000 proposals showed costing more than half of the page's time (issue 10). The sections'
    queries are not correlated to the outer one, so nothing is lost.
    """
    counts = [_bounded_count(section.rows) for section in sections if not section.rows.query.is_empty()]
    counts = [count for count in counts if count is not None]
    if not counts:
        return "0", ()
    return " + ".join(sql for sql, _params in counts), tuple(p for _sql, params in counts for p in params)


class CompiledStatements:
    """The badge's SQL of tasks pending by person, built and compiled once, not on every page (issue 10: building
    every inbox section and compiling its query was 44 % of the list page's time at 200,000 proposals).

    What the SQL is made of — not what it counts: the count runs on every page, exact — is a function of the person,
    the day (positions held on it), the positions they hold (the stages read unit ids from them, the incidents
    section its handler's unit paths) and TASKS_LIMIT, all in the key; the positions are read afresh on every page
    anyway (the navigation's), so a position that starts or ends, or a unit that moves, changes the key at once.
    The key also carries the organisation's generation, a token in the shared cache that every saved or deleted
    unit or position renews (`org_structure_changed`), so every web node drops what a change of the organisation
    could have made stale, whatever a stage may read from it in the future.

    Kept in the process, not the shared cache: a statement is ~10 kB and a process compiles it once a day for a
    person, and a process started with new code never reads SQL compiled by the old.
    """

    def __init__(self, size: int):
        self.size = size
        self._kept: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build) -> tuple[str, tuple]:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        statement = build()
        with self._lock:
            self._kept[key] = statement
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return statement


compiled = CompiledStatements(COMPILED_KEPT)


def org_generation() -> str:
    """The organisation's current generation (a token; a new one when the shared cache lost it)."""
    generation = cache.get(ORG_GENERATION_KEY)
    if generation is None:
        cache.add(ORG_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(ORG_GENERATION_KEY)
    return generation


def org_structure_changed(**kwargs) -> None:
    """A unit or a position was saved or deleted (post_save, post_delete): a new generation once committed."""
    transaction.on_commit(lambda: cache.set(ORG_GENERATION_KEY, uuid.uuid4().hex, timeout=None))


def _tasks_pending(request) -> tuple[str, tuple]:
    held = stages.positions_of(request) if stages.positions_of else None
    if held is None:  # no positions to sign the statement with: the stages read them with their own queries
        return tasks_pending_sql(stages.inbox_of(request))
    signature = tuple((position.pk, position.role, position.unit_id, position.unit.path) for position in held)
    key = (request.user.pk, timezone.localdate(), signature, TASKS_LIMIT, org_generation())
    return compiled.get(key, lambda: tasks_pending_sql(stages.inbox_of(request)))


def badge_expressions(request) -> dict[str, Expression]:
    """What the navigation bar counts, as expressions a page may annotate onto its own query."""
    sql, params = _tasks_pending(request)
    return {
        "notifications_unread": unread_count_subquery(request.user),
        "tasks_pending": RawSQL(sql, params, output_field=IntegerField()),  # noqa: S611 (the ORM's SQL, values as parameters)
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
