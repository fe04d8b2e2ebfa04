"""Query expressions the ORM lacks."""

import datetime

from django.db.models import BooleanField, F, Index, Q, QuerySet, Subquery
from django.db.models.expressions import Expression, OrderBy


class AnyOf(Expression):
    """``column = ANY(ARRAY(<subquery>))``: true when the column's value is one of the
    subquery's (a one-column queryset, ``values("case_id")``).

    The same rows as ``column__in=<subquery>``, but PostgreSQL runs the subquery once, as
    an init plan, and can then look the values up in the column's index. Combined by OR
    with another indexed condition (a trigram match on a title), the two become one
    ``BitmapOr`` instead of a scan of the whole table that tests every row against a
    hashed subplan: the public e-diarium's text search at 20 000 cases, 11 ms -> 3 ms.
    Other databases get ``column IN (<subquery>)``.

    Use it in ``filter()`` alone or combined with ``Q`` objects (``Q(...) | AnyOf(...)``).
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, queryset: QuerySet):
        super().__init__(output_field=BooleanField())
        self.column = F(column)
        self.subquery = Subquery(queryset.order_by())  # as ``__in``: no sort of the values

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs):
        self.column, self.subquery = exprs

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        subquery_sql, subquery_params = compiler.compile(self.subquery)
        return f"{column_sql} IN {subquery_sql}", (*column_params, *subquery_params)

    def as_postgresql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        subquery_sql, subquery_params = compiler.compile(self.subquery)
        return f"{column_sql} = ANY(ARRAY{subquery_sql})", (*column_params, *subquery_params)


def in_year(field: str, year: int) -> Q:
    """``<field>__year=year`` for a date column, as the range of the year's first and last
    days: the same rows (and the same ``BETWEEN`` in SQL), but the dates are the query's
    values, so its compiled SQL is kept for every year (``core.sqlcache``; ``__year`` turns
    the year into two dates while compiling)."""
    return Q(**{f"{field}__range": (datetime.date(year, 1, 1), datetime.date(year, 12, 31))})


def up_to_year(field: str, year: int) -> Q:
    """``<field>__year__lte=year`` for a date column (see ``in_year``)."""
    return Q(**{f"{field}__lte": datetime.date(year, 12, 31)})


def from_year(field: str, year: int) -> Q:
    """``<field>__year__gte=year`` for a date column (see ``in_year``)."""
    return Q(**{f"{field}__gte": datetime.date(year, 1, 1)})


class NullsPlacedIndex(Index):
    """An index whose ordered expressions place NULLs (``F(col).asc(nulls_first=True)``)
    on PostgreSQL, and the same index without that placement elsewhere: SQLite (the
    embedded demo) cannot place NULLs in an index definition, only in ORDER BY."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = Index(
            *(
                OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e
                for e in self.expressions
            ),
            name=self.name,
        )
        return plain.create_sql(model, schema_editor, using=using, **kwargs)
