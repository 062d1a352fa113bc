"""The navigation's badges in one query: unread notifications and the tasks pending (issue 12 §1).

The tasks pending are the rows of every inbox section (core.stages), each section counted up to `ROWS_COUNTED` in a
subquery, so the badge costs one indexed query whatever the number of rows, and none of its own on a page that
annotates the same expressions onto a query it makes anyway (the proposal page). The inbox and the home page read
each section's count from that query (`section_counts`).
"""

import collections
import dataclasses
import threading
import uuid

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, router, transaction
from django.db.models import Expression, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from . import prepared
from .notifications import unread_count_subquery
from .stages import stages

TASKS_LIMIT = 99  # the badge reads "99+" beyond
# Each inbox section's rows are counted up to here: past the badge's TASKS_LIMIT, and past the inbox page's "hơn 100"
# (proposals.inbox.COUNT_LIMIT), which reads its counts from the same query.
ROWS_COUNTED = 101
ORG_GENERATION_KEY = "core:org-structure-generation"
COMPILED_KEPT = 1024  # people whose badge statement a process keeps (the least recently used goes first)


def _bounded_count(rows: QuerySet) -> tuple[str, tuple] | None:
    """How many of `rows` (at most ROWS_COUNTED), as the SQL of a scalar subquery and its parameters; None when
    `rows` can match nothing (the ORM refuses to write such a query)."""
    first = rows.order_by().values("pk")[:ROWS_COUNTED]
    try:
        sql, params = first.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"(SELECT COUNT(*) FROM ({sql}) counted)", params  # noqa: S608 (the ORM's SQL; values stay parameters)


def section_counts_sql(sections) -> tuple[tuple[str, str, tuple], ...]:
    """Every section's rows (InboxSection: `key` and `rows`) counted, as (key, SQL expression, parameters); a section
    that can have no row (`.none()`) is left out: it counts 0.

    Raw SQL rather than Subquery expressions: each section's query is compiled once on its own, where resolving a
    dozen subqueries into the outer query cloned and relabelled every one of them, which a profile of the list page
    at 20,000 proposals showed costing more than half of the page's time (issue 10). The sections' queries are not
    correlated to the outer one, so nothing is lost.
    """
    counts = ((section.key, _bounded_count(section.rows)) for section in sections if not section.rows.query.is_empty())
    return tuple((key, *count) for key, count in counts if count is not None)


class CompiledStatements:
    """The badge's SQL counting each inbox section by person, built and compiled once, not on every page (issue 10:
    building every inbox section and compiling its query was 44 % of the list page's time at 200,000 proposals).

    What the SQL is made of — not what it counts: the count runs on every page, exact — is a function of the person,
    the day (positions held on it), the positions they hold (the stages read unit ids from them, the incidents
    section its handler's unit paths) and ROWS_COUNTED, all in the key; the positions are read afresh on every page
    anyway (the navigation's), so a position that starts or ends, or a unit that moves, changes the key at once.
    The key also carries the organisation's generation, a token in the shared cache that every saved or deleted
    unit or position renews (`org_structure_changed`), so every web node drops what a change of the organisation
    could have made stale, whatever a stage may read from it in the future.

    Kept in the process, not the shared cache: a statement is ~7 kB and a process compiles it once a day for a
    person, and a process started with new code never reads SQL compiled by the old.
    """

    def __init__(self, size: int):
        self.size = size
        self._kept: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build) -> "Statements":
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


@dataclasses.dataclass(frozen=True)
class Statements:
    sections: tuple[tuple[str, str, tuple], ...]  # each section's key, the SQL counting its rows, its parameters
    counting: tuple[str, tuple | None]  # the badge's query (core.prepared.inlined): the unread notifications, then
    # each section's count


def _compile(request) -> Statements:
    user = request.user
    sections = section_counts_sql(stages.inbox_of(request))
    columns = {f"section_{index}": RawSQL(sql, params, output_field=IntegerField())  # noqa: S611 (the ORM's SQL)
               for index, (_key, sql, params) in enumerate(sections)}
    counting = get_user_model()._base_manager.filter(pk=user.pk).annotate(
        notifications_unread=unread_count_subquery(user), **columns).values_list("notifications_unread", *columns)
    # Inlined once here rather than on every page: the statement is prepared as such on each connection (_counted).
    return Statements(sections, prepared.inlined(*counting.query.sql_with_params(), using=counting.db))


def _statements(request) -> Statements:
    held = stages.positions_of(request) if stages.positions_of else None
    if held is None:  # no positions to sign the statement with: the stages read them with their own queries
        return _compile(request)
    signature = tuple((position.pk, position.role, position.unit_id, position.unit.path) for position in held)
    key = (request.user.pk, timezone.localdate(), signature, ROWS_COUNTED, org_generation())
    return compiled.get(key, lambda: _compile(request))


def badge_expressions(request) -> dict[str, Expression]:
    """What the navigation bar counts, as expressions a page may annotate onto its own query. The tasks pending are
    the sections' rows summed, each counted up to ROWS_COUNTED: beyond TASKS_LIMIT either way, the badge reads the
    same as with each bounded at TASKS_LIMIT + 1."""
    sections = _statements(request).sections
    tasks = RawSQL(" + ".join(sql for _key, sql, _params in sections) or "0",  # noqa: S611 (the ORM's SQL, values as parameters)
                   tuple(param for _key, _sql, params in sections for param in params), output_field=IntegerField())
    return {"notifications_unread": unread_count_subquery(request.user), "tasks_pending": tasks}


def _counted(request) -> tuple[int, dict[str, int]]:
    """The unread notifications and every inbox section's rows (up to ROWS_COUNTED) by key: one query, once per
    request, compiled once (`compiled`)."""
    if not hasattr(request, "_badges_counted"):
        statements = _statements(request)
        using = router.db_for_read(get_user_model())
        # Planning it took PostgreSQL 14–26 ms for 2 ms of execution: planned once per connection (issue 10).
        with prepared.prepared(using), connections[using].cursor() as cursor:
            cursor.execute(*statements.counting)
            unread, *counts = cursor.fetchone()
        request._badges_counted = unread, {key: count for (key, _sql, _params), count in zip(statements.sections, counts, strict=True)}
    return request._badges_counted


def section_counts(request) -> dict[str, int]:
    """How many rows each of the person's inbox sections has, up to ROWS_COUNTED, by key (none: a section that can
    have no row), read with the navigation's badges: the inbox and the home page then read nothing of an empty
    section and count none again (issue 10)."""
    return _counted(request)[1]


def badge_counts(request) -> dict[str, int]:
    """The navigation bar's counts for the signed-in person: one query."""
    unread, sections = _counted(request)
    return {"notifications_unread": unread, "tasks_pending": sum(sections.values())}
