"""Rows of related tables read inside another query, as one JSON value each (issue 10 §5: the proposal page in
a fixed, small number of queries).

A stage's records (meetings with their votes, voters and attendees; resources; targets with their progress...) would
cost a query per table. A `Fold` describes them as a queryset correlated to the outer row (`OuterRef("pk")`), the
foreign keys to load with them (as `select_related`) and the many-valued relations to load into each row (as
`prefetch_related`); its `expression()` is annotated onto the outer query, which then carries them all, and
`load()` turns the value back into model instances that read nothing more. The rows keep the queryset's order (a
row number is folded with each). Works on PostgreSQL (JSONB) and SQLite (JSON1).
"""

import dataclasses
import datetime
import functools

from django.conf import settings
from django.db import connection, models
from django.db.models import Expression, F, Func, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

ROW = "folded_row"  # the column the templates of `_Rows` aggregate


class _Array(Func):
    """A JSON array of its arguments."""

    function = "JSON_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_BUILD_ARRAY", **extra_context)


class _AsJSON(Func):
    """A JSON value read from a subquery or a JSON column: SQLite hands it over as text, which JSON() turns back."""

    function = "JSON"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="%(expressions)s", **extra_context)


class _Rows(Subquery):
    """The aggregate of a subquery's `folded_row` column: a JSON array, empty rather than NULL."""

    template = "(SELECT COALESCE(JSON_GROUP_ARRAY(JSON(folded.folded_row)), '[]') FROM (%(subquery)s) folded)"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(SELECT COALESCE(JSONB_AGG(folded.folded_row), '[]'::jsonb) FROM (%(subquery)s) folded)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def _columns(model, prefix: str = "") -> list:
    return [_AsJSON(F(prefix + f.attname)) if isinstance(f, models.JSONField) else F(prefix + f.attname)
            for f in model._meta.concrete_fields]


def _value(field, raw):
    """The Python value of a field from its JSON form (dates and times arrive as text)."""
    if raw is None or isinstance(field, models.JSONField):
        return raw
    value = field.to_python(raw)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)  # SQLite stores UTC without an offset
    return value


def _instance(model, raw: list):
    fields = model._meta.concrete_fields
    values = [_value(field, value) for field, value in zip(fields, raw, strict=True)]
    return model.from_db(connection.alias, [f.attname for f in fields], values)


@dataclasses.dataclass(frozen=True)
class Fold:
    """Rows of `queryset` (filtered on `OuterRef`, ordered) with the foreign keys `related` loaded and the
    many-valued relations `many` (their accessor names on the model: reverse foreign keys given as a `Fold` of
    their own, many-to-many fields by name with the rows of their target) prefetched."""

    queryset: QuerySet
    related: tuple[str, ...] = ()
    many: dict = dataclasses.field(default_factory=dict)

    @property
    def model(self):
        return self.queryset.model

    @functools.cached_property
    def _many(self) -> dict[str, "Fold"]:
        """Each many-valued relation as a Fold of its rows; a many-to-many one through its table, target loaded. Built
        once: every page's `load` reads it."""
        folds = {}
        for name, fold in self.many.items():
            if isinstance(fold, Fold):
                folds[name] = fold
                continue
            field = self.model._meta.get_field(name)
            through = field.remote_field.through
            links = through.objects.filter(**{field.m2m_field_name(): OuterRef("pk")}).order_by("pk")
            folds[name] = Fold(links, related=(field.m2m_reverse_field_name(),))
        return folds

    def expression(self) -> "_Compiled":
        """The rows as one JSON value of the outer query, compiled once (`_Compiled`)."""
        return _Compiled(self)

    def rows(self) -> _Rows:
        """The subquery aggregating the rows, built anew: what `_Compiled` compiles."""
        ordering = self.queryset.query.order_by or self.model._meta.ordering or ("pk",)
        parts = [Window(RowNumber(), order_by=list(ordering)), _Array(*_columns(self.model))]
        for name in self.related:
            parts.append(_Array(*_columns(self.model._meta.get_field(name).related_model, f"{name}__")))
        parts.extend(_AsJSON(fold.rows()) for fold in self._many.values())
        rows = self.queryset.annotate(**{ROW: _Array(*parts)}).values(ROW)
        return _Rows(rows)

    def load(self, value) -> list:
        """The instances of the folded value (the annotation as read)."""
        rows = value or []
        many = self._many
        objects = []
        for _number, own, *rest in sorted(rows, key=lambda row: row[0]):
            obj = _instance(self.model, own)
            for name, raw in zip(self.related, rest, strict=False):
                related = self.model._meta.get_field(name).related_model
                pk = related._meta.concrete_fields.index(related._meta.pk)
                setattr(obj, name, _instance(related, raw) if raw[pk] is not None else None)  # None: a null key
            for (name, fold), raw in zip(many.items(), rest[len(self.related):], strict=True):
                loaded = fold.load(raw)
                if not isinstance(self.many[name], Fold):  # many-to-many: the targets of the links
                    target = self.model._meta.get_field(name).m2m_reverse_field_name()
                    loaded = [getattr(link, target) for link in loaded]
                prefetched(obj, name, loaded)
            objects.append(obj)
        return objects


class _Compiled(Expression):
    """A fold's subquery, compiled once per process for each database and outer table, then reused.

    Building and compiling the querysets of every stage's folds cost about a third of the proposal page's CPU (issue
    10), and their SQL never changes: it depends only on the fold, the database's dialect and the outer query's table
    and alias prefix (the correlation `OuterRef("pk")` and the subquery's aliases), which key the cache. The
    folds are module constants (a stage's `PAGE_FOLDS`), so the cache holds one entry per fold and key.
    """

    output_field = models.JSONField()
    _sql: dict = {}  # (id of the fold, database alias, outer model, outer table alias, alias prefix) → (sql, params)

    def __init__(self, fold: Fold):
        super().__init__()
        self.fold = fold

    def as_sql(self, compiler, connection):
        outer = compiler.query
        key = (id(self.fold), connection.alias, outer.model, outer.base_table, outer.alias_prefix)
        if key not in self._sql:
            rows = self.fold.rows().resolve_expression(outer)
            # The fold is kept with its SQL so that its id names no other fold while the entry lives.
            self._sql[key] = (self.fold, *compiler.compile(rows))
        _fold, sql, params = self._sql[key]
        return sql, list(params)

    @property
    def identity(self):  # Expression's, from the arguments, would hash the fold's querysets and dicts
        return type(self), id(self.fold)

    def get_group_by_cols(self):
        return []


def prefetched(obj, name: str, rows: list) -> None:
    """Put `rows` in `obj`'s prefetch cache for the relation `name`, as prefetch_related does."""
    queryset = getattr(obj, name).get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    obj.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def annotations(folds: dict[str, Fold]) -> dict:
    """The folds as annotations of the outer query, by name prefixed "folded_" (so as not to clash with the
    model's relations): a panel's `annotations` (core.stages)."""
    return {f"folded_{name}": fold.expression() for name, fold in folds.items()}


def unfold(obj, folds: dict[str, Fold]) -> dict[str, list]:
    """The instances of each fold of `obj`: from its annotations when the query that read it carried them (the
    proposal page's), else read now in one query for all of them."""
    values = {name: getattr(obj, f"folded_{name}") for name in folds if hasattr(obj, f"folded_{name}")}
    missing = {name: fold for name, fold in folds.items() if name not in values}
    if missing:
        read = type(obj)._base_manager.filter(pk=obj.pk).values(**annotations(missing)).get()
        values.update({name: read[f"folded_{name}"] for name in missing})
    return {name: fold.load(values[name]) for name, fold in folds.items()}
