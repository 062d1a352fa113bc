"""`field__any_of=<queryset>`: membership in a subquery that PostgreSQL can answer from an index inside an OR.

`field IN (SELECT …)` becomes a semi-join, and a semi-join under OR cannot use an index: the whole table is read.
`field = ANY(ARRAY(SELECT …))` runs the subquery once (an InitPlan) and compares with its array, which an index
scan takes as its condition, so an OR of such branches is a BitmapOr of index scans (proposals.scope). Other
databases get the plain IN. `field__in_values=[…]` (below): a list of values as one array parameter.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


class AnyOf(Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        self.rhs.clear_ordering(clear_default=True)  # a subquery (Query); its order means nothing here
        return self.rhs

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep lookups of their own


class InValues(In):
    """`field__in_values=[…]`: `field IN (…)` written on PostgreSQL with one array parameter, `field = ANY(%s::type[])`,
    rather than a placeholder per value. The planner reads the same constant array (it rewrites `IN (…)` so), but
    Django prepares, and psycopg splits and quotes, one parameter where a provincial inspector's scope has hundreds of
    units, in every statement of every list (issue 10)."""

    lookup_name = "in_values"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        return f"{lhs} = ANY(%s::{field.cast_db_type(connection)}[])", (*lhs_params, values)


Field.register_lookup(InValues)
ForeignObject.register_lookup(InValues)
