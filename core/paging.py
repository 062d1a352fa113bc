"""Keyset ("seek") pagination: page N costs what page 1 costs, and nothing counts the whole list (issue 10).

A list is ordered by a few keys ending with the primary key, so that the order is total. A page remembers the
last row's key values in an opaque cursor; the next page asks for the rows that come after them. PostgreSQL
walks the index that matches the order from that point, whatever the page; an OFFSET would read and discard
every earlier row, and the paginator's COUNT would read all of them.
"""

import dataclasses
import datetime
import functools
import operator
from collections.abc import Sequence
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.db.models.sql.where import WhereNode

CURSOR_SALT = "core.paging.cursor"
# The count shown above a list is exact up to here, and "more than" beyond it (issue 10, item 2).
COUNT_LIMIT = 1_000


@dataclasses.dataclass(frozen=True)
class Key:
    """One sort key: a field name, or an annotation's name and expression, and its direction.

    Keys must never be NULL (wrap a nullable column in `Coalesce`): a seek condition on NULL has no order."""

    name: str
    expression: Any = None  # None: `name` is a field of the model
    descending: bool = False


@dataclasses.dataclass
class SeekPage:
    rows: list
    next_cursor: str | None  # None on the last page
    number: int  # 1 for the first page; carried in the cursor, shown to the user

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


class BadCursor(ValueError):
    """A cursor the server did not issue (edited by hand, or cut off): the view answers with the first page."""


def _encode(value) -> Any:
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    return value


def _decode(value) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return datetime.date.fromisoformat(value["d"])
        raise BadCursor("unknown value")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise BadCursor("unknown value")


def encode_cursor(tier: int, keys: Sequence[Key], values: Sequence, number: int) -> str:
    """The cursor, signed: a cursor edited by hand, or issued for another order, is refused rather than fed to a
    query as a value of the wrong type."""
    payload = {"t": tier, "s": [key.name for key in keys], "k": [_encode(v) for v in values], "n": number}
    return signing.dumps(payload, salt=CURSOR_SALT, compress=True)


def decode_cursor(cursor: str, keys: Sequence[Key], tiers: int = 1) -> tuple[int, list, int]:
    """The tier, key values and page number in `cursor`; BadCursor for anything this list did not issue."""
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
        tier, number, names = int(data["t"]), int(data["n"]), data["s"]
        values = [_decode(v) for v in data["k"]]
    except (signing.BadSignature, ValueError, TypeError, KeyError, AttributeError) as error:
        raise BadCursor(str(error)) from None
    if names != [key.name for key in keys] or not 0 <= tier < tiers or len(values) != len(keys) or number < 2:
        raise BadCursor("issued for another list")
    return tier, values, number


def after(keys: Sequence[Key], values: Sequence) -> Q:
    """Rows strictly after `values` in the order of `keys`.

    (k1 beyond v1) OR (k1 = v1 AND k2 beyond v2) OR …, and the first key's bound once more on its own
    (k1 ≥ v1 or ≤ v1): the OR alone is not an index condition, the bound is, so the scan starts at the cursor."""
    terms = []
    ties = Q()
    for key, value in zip(keys, values, strict=True):
        terms.append(ties & Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value}))
        ties &= Q(**{key.name: value})
    first = keys[0]
    return Q(**{f"{first.name}__{'lte' if first.descending else 'gte'}": values[0]}) & functools.reduce(operator.or_, terms)


def order_by(keys: Sequence[Key]) -> list[str]:
    return [f"-{key.name}" if key.descending else key.name for key in keys]


def _expressions(keys: Sequence[Key]) -> dict:
    """The keys that are expressions (a collation, a COALESCE), by name, to annotate or alias."""
    return {key.name: key.expression for key in keys if key.expression is not None}


def _page_rows(ordered: QuerySet, count: int) -> QuerySet:
    """The first `count` rows of `ordered`, in one query that finds them by their keys first: `pk IN (SELECT pk …
    ORDER BY … LIMIT count)`. The inner query reads only the keys and what the filters compare, which PostgreSQL can
    answer from an index alone (proposal_newest_scope_idx carries the columns of the proposals' scope), however many
    rows it passes over to find the page; the outer one reads the page's rows, joins and annotations for those rows
    only. Reading the rows in the walk instead fetched every passed-over row from the table (issue 10: 5,300 pages
    for the 20 rows of a list that the chairman sees 4 % of, 400 so).

    The outer query selects by those keys alone when every filter is on the table's own columns or in subqueries
    (no join in use yet: `select_related` joins only as it is compiled): the inner query has applied them, and writing them
    twice doubled what Django compiles, psycopg parses (past 4 kB it parses a statement on every execution) and
    PostgreSQL plans, for the same rows (issue 10: a third of the list's statement)."""
    rows = ordered.all()
    query = rows.query
    if not any(count for alias, count in query.alias_refcount.items() if alias != query.base_table):
        query.where = WhereNode()
    return rows.filter(pk__in=ordered.values("pk")[:count])


def seek_page(queryset: QuerySet, keys: Sequence[Key], *, cursor: str | None, size: int) -> SeekPage:
    """One page of `queryset` in the order of `keys` (the last one unique), starting after `cursor`: one query,
    `size + 1` rows telling whether another page follows. BadCursor for a cursor not issued here."""
    return seek_tiers([queryset], keys, cursor=cursor, size=size)


def seek_tiers(tiers: Sequence[QuerySet], keys: Sequence[Key], *, cursor: str | None, size: int) -> SeekPage:
    """One page of the rows of `tiers`, all of the first tier then all of the next, each in the order of `keys`.

    A ranking that is a few plain filters (search matches as typed, then the rest) stays index-friendly this
    way: each tier is walked like a list of its own; a page that ends a tier continues in the next one, a query
    per tier it touches. The tiers must not overlap."""
    tier, values, number = decode_cursor(cursor, keys, len(tiers)) if cursor else (0, None, 1)
    expressions = _expressions(keys)
    rows: list = []
    tags: list[int] = []
    for index in range(tier, len(tiers)):
        queryset = tiers[index]
        if expressions:  # selected too: the cursor takes the last row's values from them
            queryset = queryset.annotate(**expressions)
        if index == tier and values is not None:
            queryset = queryset.filter(after(keys, values))
        found = list(_page_rows(queryset.order_by(*order_by(keys)), size + 1 - len(rows)))
        rows += found
        tags += [index] * len(found)
        if len(rows) > size:
            break
    if len(rows) <= size:
        return SeekPage(rows=rows, next_cursor=None, number=number)
    last = rows[size - 1]
    next_cursor = encode_cursor(tags[size - 1], keys, [getattr(last, key.name) for key in keys], number + 1)
    return SeekPage(rows=rows[:size], next_cursor=next_cursor, number=number)


def bounded_count(queryset: QuerySet, keys: Sequence[Key], limit: int | None = None) -> tuple[int, bool]:
    """How many rows, reading at most `limit + 1` (COUNT_LIMIT): (count, True) when there are more than `limit`.

    The rows are read in the list's order (`keys`), so that PostgreSQL walks the list's index and stops at the
    bound, as the page does, rather than reading the table until it has counted enough."""
    limit = COUNT_LIMIT if limit is None else limit
    rows = queryset.alias(**_expressions(keys))
    # A key computed by a subquery for every row (an inbox section's earliest open step) is no index's order: sorting
    # by it would run the subquery for every row to count the first ones, so such a count reads them in any order.
    by_subquery = any(rows.query.annotations[key.name].contains_subquery for key in keys if key.name in rows.query.annotations)
    rows = (rows.order_by() if by_subquery else rows.order_by(*order_by(keys))).values("pk")[: limit + 1]
    count = rows.count()
    return min(count, limit), count > limit
