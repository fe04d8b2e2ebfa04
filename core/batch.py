"""Several independent querysets in one database round trip (PostgreSQL).

A page that shows a dozen small lists (a case's members, obligations, documents, the
workflow's log ...) pays about 1 ms per query on a loaded machine, most of it the
round trip and the driver, not PostgreSQL's work. ``fetch_together`` sends the
querysets' own SQL as one statement:

    SELECT json_build_array(
        (SELECT coalesce(json_agg(q), '[]') FROM (<queryset 1's SQL>) q(c0, c1, ...)),
        (SELECT coalesce(json_agg(q), '[]') FROM (<queryset 2's SQL>) q(c0, ...)),
        ...)

and fills each queryset's result cache from its part, through the queryset's own
iterable (model instances, ``select_related`` objects, annotations, ``values()``,
``values_list()`` all as Django would make them; ``from_db_value`` converters applied).
The JSON values are first turned back into what psycopg would have returned (dates,
datetimes, decimals, UUIDs, JSON as text). ``json_agg`` keeps the order of each
subquery's rows (its ``ORDER BY``).

Each queryset is then evaluated: ``list(qs)``, ``qs[0]``, ``len(qs)`` make no query.
Its ``prefetch_related`` lookups still run (one query each), so pass them as querysets
of their own. Querysets must be plain (no ``.exists()``, ``.count()``: use an annotated
or sliced queryset instead). On other databases each queryset is evaluated on its own.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, repeat
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, Model, QuerySet, Window
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.sql.datastructures import Join
from django.db.models.sql.where import WhereNode
from django.utils.dateparse import parse_datetime, parse_duration

from core import sqlcache
from core.pagination import CappedPaginator, CountAheadPaginator


def _json_text(value):
    return json.dumps(value)


def _decimal(value):
    return value if isinstance(value, decimal.Decimal) else decimal.Decimal(value)


# How a JSON value becomes what psycopg would have returned, by the column's internal type;
# types not listed (text, integers, booleans) come out of JSON as they are.
_CONVERTERS = {
    "JSONField": _json_text,
    "DateTimeField": parse_datetime,
    "DateField": datetime.date.fromisoformat,
    "TimeField": datetime.time.fromisoformat,
    "FloatField": float,  # JSON numbers are read as decimals (exact for DecimalField)
    "DecimalField": _decimal,
    "UUIDField": uuid.UUID,
    "DurationField": parse_duration,
}


def _converter(field):
    """The function turning a column's JSON value into psycopg's, or None (as it is)."""
    if field is None:
        return None
    return _CONVERTERS.get(field.get_internal_type())


def _fill(queryset: Any, compiler, rows: list) -> None:
    # kept with the compiled-SQL cache's entry (the same select list on every request)
    memo = compiler.__dict__.get(sqlcache.CONVERTERS)
    converters = memo.get("json") if memo is not None else None
    if converters is None:
        converters = [
            _converter(s[0].output_field if hasattr(s[0], "output_field") else None)
            for s in compiler.select
        ]
        if memo is not None:
            memo["json"] = converters
    # json_agg writes each row's columns (c0, c1, ...) in order: the values are the row.
    # A DISTINCT query sorted by an expression selects that expression too, after the
    # select list (Django's ``extra_select``): those columns are kept as they are.
    if all(convert is None for convert in converters):
        converted = [tuple(row.values()) for row in rows]
    else:
        converted = [
            tuple(
                value if convert is None or value is None else convert(value)
                for value, convert in zip(
                    row.values(), chain(converters, repeat(None)), strict=False
                )
            )
            for row in rows
        ]
    # The queryset's own iterable reads the rows from its compiler: give it these.
    setattr(compiler, "execute_sql", lambda *args, **kwargs: iter([converted]))  # noqa: B010
    query = queryset.query
    setattr(query, "get_compiler", lambda *args, **kwargs: compiler)  # noqa: B010
    try:
        queryset._result_cache = list(queryset._iterable_class(queryset))
    finally:
        del query.get_compiler
    if queryset._prefetch_related_lookups:
        queryset._prefetch_related_objects()


@cache
def _prepared_cursor_classes():
    from django.db.backends.postgresql import base as postgresql

    backend: Any = postgresql  # its cursor classes are defined for the installed driver

    class PreparingCursor(backend.ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    class LoggedCursor(backend.CursorDebugWrapper):
        def execute(self, sql, params=None):
            with self.debug_sql(self.db.ops.compose_sql(sql, params)):
                return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)

    return PreparingCursor, LoggedCursor


def _prepared_cursor(connection):
    """A cursor of ``connection`` that sends its parameters apart from the SQL (server-side
    binding) and has PostgreSQL keep the statement prepared on the connection (psycopg's
    ``prepare=True``): a page's combined query has the same text for every case, so it is
    parsed, analysed and planned once per connection instead of on every request (5-8 ms
    for the case page's 30 subqueries, against about 1 ms to run it). Logged like any
    query of the connection, with its values (query counts, EXPLAIN of captured SQL)."""
    preparing, logged = _prepared_cursor_classes()
    connection.ensure_connection()
    raw = preparing(connection.connection)
    if connection.queries_logged:
        return logged(raw, connection)
    return connection.make_cursor(raw)


def fetch_together(
    *querysets: QuerySet,
    using: str = "default",
    prelude: tuple[str, list] | None = None,
    prepare: bool = False,
) -> None:
    """Evaluate ``querysets`` (unevaluated, on one database) in one query.

    ``prelude``: ``("WITH name AS (...)", params)`` put before that query, for querysets
    reading ``name`` (through ``RawSQL``): PostgreSQL only.

    ``prepare``: keep the query prepared on the connection (``_prepared_cursor``), for
    pages whose querysets differ only by the values they look up (a case's, a meeting's
    id), not for searches and filters, whose best plan depends on the values."""
    # each queryset once, though several parts of a page may pass the same one
    pending = list({id(qs): qs for qs in querysets if qs._result_cache is None}.values())
    if not pending:
        return
    connection = connections[using]
    alone = len(pending) == 1 and not (
        prepare and getattr(settings, "DB_PREPARED_STATEMENTS", False)
    )
    if prelude is None and (connection.vendor != "postgresql" or alone):
        for qs in pending:
            qs._fetch_all()
        return
    parts, params, compilers, asked = [], [], [], []
    for qs in pending:
        compiler = qs.query.get_compiler(using=using)
        try:  # on PostgreSQL, each shape of query is compiled once (core.sqlcache)
            sql, part_params = compiler.as_sql()
        except EmptyResultSet:  # e.g. ``pk__in=[]``: nothing to ask for
            qs._result_cache = []
            continue
        asked.append(qs)
        columns = ", ".join(f"c{i}" for i in range(len(compiler.select)))
        parts.append(f"(SELECT coalesce(json_agg(q), '[]') FROM ({sql}) q({columns}))")
        params.extend(part_params)
        compilers.append(compiler)
    if not parts:
        return
    statement = f"SELECT json_build_array({', '.join(parts)})::text"
    if prelude is not None:
        statement = f"{prelude[0]} {statement}"
        params = [*prelude[1], *params]
    prepare = prepare and getattr(settings, "DB_PREPARED_STATEMENTS", False)
    with _prepared_cursor(connection) if prepare else connection.cursor() as cursor:
        cursor.execute(statement, params)
        (payload,) = cursor.fetchone()
    results = json.loads(payload, parse_float=decimal.Decimal)
    for qs, compiler, rows in zip(asked, compilers, results, strict=True):
        _fill(qs, compiler, rows)


M = TypeVar("M", bound=Model)


def get(queryset: QuerySet[M], **lookup) -> M:
    """``queryset.get(**lookup)`` kept prepared on the connection (``fetch_together``'s
    ``prepare``): a detail page's object, fetched by its key on every request with a plan
    that does not depend on the key, is planned once per connection, not on every request
    (the case page's case with its four joins: 0.8 ms of planning for 0.1 ms of work)."""
    if getattr(queryset, "_prefetch_related_lookups", ()):
        raise ValueError("batch.get reads no prefetch_related lookups")
    rows = queryset.filter(**lookup)[:2]
    fetch_together(rows, prepare=True)
    model: Any = queryset.model
    if not rows:
        raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
    if len(rows) > 1:
        raise model.MultipleObjectsReturned(f"get() returned more than one {model.__name__}.")
    return rows[0]


# --- Parts of a page from several apps, read together --------------------------------------
#
# A page made of parts that apps contribute (the start page's panels, Mina uppgifter's
# sources) asks each part for a ``Pending``: the querysets it reads and how it makes its
# result from them. ``resolve`` reads every part's querysets in one round trip, then builds.

T = TypeVar("T")


@dataclass(frozen=True)
class Pending(Generic[T]):
    """A part's querysets (suited to ``fetch_together``) and ``build``, which makes the
    part's result once they are loaded (and may query further, e.g. on what they held)."""

    build: Callable[[], T]
    querysets: tuple[QuerySet, ...] = field(default=())


def resolve(parts: Iterable[Pending[T]]) -> list[T]:
    """Each part built, after every part's querysets were read in one (prepared) query."""
    parts = list(parts)
    fetch_together(*(qs for part in parts for qs in part.querysets), prepare=True)
    return [part.build() for part in parts]


# --- A page's data, read once ------------------------------------------------------------
#
# A page's parts (the case page's sections from several apps) each read their own rows.
# The page collects their querysets first, runs them together, and keeps the results on
# the object the page is about; each part's selector then takes its rows from there
# (``loaded``) and queries only when called elsewhere.

_STORE = "_batch_loaded"


def load(obj, querysets: dict, *, prepare: bool = False) -> None:
    """Run ``querysets`` ({name: queryset}) in one query (``fetch_together``); keep the rows
    on ``obj`` (``keep``)."""
    fetch_together(*querysets.values(), prepare=prepare)
    for name, queryset in querysets.items():
        keep(obj, name, queryset)


def keep(obj, name: str, queryset) -> None:
    """Keep the rows of the evaluated ``queryset`` on ``obj`` under ``name``.

    A name of the form ``"relation:<name>"`` fills the prefetch cache of the relation
    ``<name>`` instead (``obj.<name>.all()`` then reads no rows), as
    ``prefetch_related`` would; pass the relation's own manager queryset
    (``obj.<name>.select_related(...)``) so its rows know ``obj``.
    """
    if name.startswith("relation:"):
        relation = name.split(":", 1)[1]
        if not hasattr(obj, "_prefetched_objects_cache"):
            obj._prefetched_objects_cache = {}
        obj._prefetched_objects_cache[relation] = queryset
    else:
        obj.__dict__.setdefault(_STORE, {})[name] = list(queryset)


def keep_rows(obj, relation: str, rows) -> None:
    """Fill the prefetch cache of ``obj``'s relation ``relation`` with ``rows`` (read
    with other rows, for several objects), as ``prefetch_related`` would: a reverse
    foreign key's rows also know ``obj``."""
    manager = getattr(obj, relation)
    queryset = manager.get_queryset() if relation not in _prefetched(obj) else manager.all()
    rows = list(rows)
    field = getattr(manager, "field", None)  # a reverse foreign key's field
    if field is not None and not field.many_to_many:
        for row in rows:
            field.set_cached_value(row, obj)
    queryset._result_cache = rows
    queryset._prefetch_done = True
    _prefetched(obj)[relation] = queryset


def _prefetched(obj) -> dict:
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}
    return obj._prefetched_objects_cache


def loaded(obj, name: str, queryset) -> list:
    """The rows ``load`` kept on ``obj`` under ``name``, else ``list(queryset)``
    (``queryset`` may be a callable making it, so nothing is built when loaded)."""
    store = obj.__dict__.get(_STORE, {})
    if name in store:
        return store[name]
    return list(queryset() if callable(queryset) else queryset)


def is_loaded(obj, name: str) -> bool:
    return name in obj.__dict__.get(_STORE, {})


def count_queryset(queryset: QuerySet, *, limit: int | None = None) -> QuerySet:
    """A queryset of one row, the number of rows of ``queryset`` (its ``count()``), to
    be run with others by ``fetch_together``: ``count_queryset(qs)[0]``. With ``limit``
    the rows are counted up to ``limit`` (``SELECT count(*) FROM (... LIMIT limit)``:
    the database stops there). No row when there is nothing to count: read it as 0."""

    inner = queryset.order_by()
    if limit is not None:
        keys = inner.values("pk")[:limit]
        try:
            sql, params = keys.query.sql_with_params()
        except EmptyResultSet:  # e.g. ``pk__in=[]``: none (fetch_together reads no row)
            return queryset.model._default_manager.none().values_list("pk", flat=True)
        return (
            queryset.model._default_manager.order_by()
            .annotate(_batch_count=RawSQL(f"SELECT count(*) FROM ({sql}) _batch_rows", params))
            .values_list("_batch_count", flat=True)[:1]
        )
    if inner.query.distinct or inner.query.is_sliced or inner.query.combinator:
        inner = queryset.model._default_manager.filter(pk__in=inner.values("pk")).order_by()
    return aggregate_queryset(inner, _batch_count=Count("*")).values_list("_batch_count", flat=True)


def aggregate_queryset(queryset: QuerySet, **aggregates) -> QuerySet:
    """A queryset of one row, ``queryset.aggregate(**aggregates)`` as a dict, to be run with
    others by ``fetch_together`` (no row when ``queryset`` has none: ``aggregated``)."""
    from django.db.models import Value

    return (
        queryset.order_by()
        .annotate(_batch_all=Value(1))
        .values("_batch_all")
        .annotate(**aggregates)
        .values(*aggregates)
    )


def aggregated(queryset: QuerySet, default=None) -> dict:
    """The row of an ``aggregate_queryset``; each value ``default`` when it has none."""
    for row in queryset:
        return {key: default if value is None else value for key, value in row.items()}
    return dict.fromkeys(queryset.query.values_select or queryset.query.annotation_select, default)


def rows_by_key(queryset: QuerySet, start: int, stop: int) -> QuerySet:
    """``queryset[start:stop]``, the rows chosen on the queryset's own conditions and
    order first (``SELECT id ... ORDER BY ... LIMIT/OFFSET``), then read with their
    ``select_related`` joins: ``queryset.filter(pk__in=<those keys>)``, in the same order.

    PostgreSQL joins the related tables before it sorts: a search ranking 1 600 matches
    joined each match's project, organisation and officer to keep 25. Here only the
    rows kept are joined. The order must be total (it ends with a unique key, as every
    list's does), so the outer query puts the same rows in the same order; a DISTINCT
    or combined queryset is sliced as it is."""
    if not _by_key(queryset):
        return queryset[start:stop]
    return _rows_of(queryset, queryset.values("pk")[start:stop])


def _rows_of(queryset: QuerySet, keys) -> QuerySet:
    """``queryset``'s rows whose key is in ``keys`` (chosen by ``queryset`` itself): its
    conditions are not checked again (a search's are costly per row: the search vectors
    read again) when its joins are all to one row (no condition can have multiplied
    rows); the annotations, ``select_related`` and the order stay."""
    rows = queryset._chain()  # type: ignore[attr-defined]
    query = rows.query
    to_one = all(
        getattr(join.join_field, "many_to_one", False)
        or getattr(join.join_field, "one_to_one", False)
        for join in query.alias_map.values()
        if isinstance(join, Join)
    )
    if to_one and not query.is_empty():
        query.where = WhereNode()
    return rows.filter(pk__in=keys)


def _by_key(queryset: QuerySet) -> bool:
    query = queryset.query
    return not (query.distinct or query.combinator or query.is_sliced or not queryset.ordered)


# The page's keys and the count of every row, chosen once (``paginate(count_with_rows=True)``).
_PAGE = "_batch_page"


def _order_terms(queryset: QuerySet) -> list[tuple[Any, bool, str]] | None:
    """The queryset's explicit order as (expression, descending, NULLS clause) terms, or
    ``None`` when it has none that can be read so (the model's default order, extra)."""
    query = queryset.query
    if not query.order_by or query.extra_order_by:
        return None
    terms: list[tuple[Any, bool, str]] = []
    for item in query.order_by:
        if isinstance(item, str):
            if item == "?" or "." in item:
                return None
            terms.append((F(item.lstrip("-")), item.startswith("-"), ""))
        elif isinstance(item, OrderBy):
            nulls = " NULLS FIRST" if item.nulls_first else " NULLS LAST" if item.nulls_last else ""
            terms.append((item.expression, item.descending, nulls))
        else:
            terms.append((item, False, ""))
    return terms


def _keys_and_total(queryset: QuerySet, start: int, stop: int) -> tuple[str, list] | None:
    """``WITH _batch_page(c0, c1) AS MATERIALIZED (SELECT id, count(*) OVER () ...
    ORDER BY ... LIMIT/OFFSET)``: the keys of the rows [start:stop] and the number of
    every row, in one pass over the rows (``None``: nothing to ask for).

    The rows are counted over a subquery that selects only the key and what orders the
    rows (``OFFSET 0`` keeps PostgreSQL from merging it into the outer query): the
    window then keeps narrow rows. Over the table itself it kept each whole row until
    the sort computed the order (a search's rank from the row's search vectors): a
    common word's 21 000 matches at 200 000 cases spilled 20 MB to disk, 59 ms against
    36 ms."""
    terms = _order_terms(queryset)
    if terms is None:
        keys = queryset.annotate(_batch_total=Window(Count("*"))).values_list("pk", "_batch_total")
        try:
            sql, params = keys[start:stop].query.sql_with_params()
        except EmptyResultSet:
            return None
        return f"WITH {_PAGE}(c0, c1) AS MATERIALIZED ({sql})", list(params)
    names = [f"_batch_o{index}" for index in range(len(terms))]
    inner = (
        queryset.order_by()
        .annotate(**{name: term[0] for name, term in zip(names, terms, strict=True)})
        .values_list("pk", *names)
    )
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:
        return None
    columns = ", ".join(f"o{index}" for index in range(len(terms)))
    order = ", ".join(
        f"o{index} {'DESC' if descending else 'ASC'}{nulls}"
        for index, (_expression, descending, nulls) in enumerate(terms)
    )
    page = (
        f"SELECT c0, count(*) OVER () FROM ({sql} OFFSET 0) AS _batch_rows(c0, {columns})"
        f" ORDER BY {order} LIMIT {int(stop) - int(start)} OFFSET {int(start)}"
    )
    return f"WITH {_PAGE}(c0, c1) AS MATERIALIZED ({page})", list(params)


# A page number beyond this is not guessed (get_page answers with the last page).
MAX_PAGE_GUESS = 10**6


def paginate(
    paginator,
    number,
    *querysets: QuerySet,
    count_with_rows: bool = False,
    prepare: bool = False,
):
    """``paginator.get_page(number)`` with the count, the page's rows and ``querysets``
    in one query (the page asked for is assumed to exist; if not, as ``get_page``).

    The rows are chosen by key, then joined (``rows_by_key``). A ``CappedPaginator``
    (``core.pagination``) counts up to its bound only. ``count_with_rows``: the rows
    are counted while the page's keys are chosen (``count(*) OVER ()``, PostgreSQL), for
    a list that reads every row to order them anyway (a ranked search): the count is
    exact, and the rows are scanned once instead of twice. ``prepare``: as
    ``fetch_together``'s (a list whose plan does not depend on its filters' values)."""
    try:
        guess = max(int(number), 1)
    except (TypeError, ValueError):
        guess = 1
    if guess > MAX_PAGE_GUESS:  # past any real page; an offset that large overflows bigint
        guess = 1
    per_page = paginator.per_page
    start, stop = (guess - 1) * per_page, guess * per_page
    capped = isinstance(paginator, CappedPaginator)
    if isinstance(paginator, CountAheadPaginator):
        paginator.start_at(guess)
    object_list = paginator.object_list
    prelude = None
    if count_with_rows and _by_key(object_list) and connections["default"].vendor == "postgresql":
        prelude = _keys_and_total(object_list, start, stop)
    if prelude is not None:
        rows = _rows_of(object_list, RawSQL(f"SELECT c0 FROM {_PAGE}", ()))  # noqa: S611
        total = (
            object_list.model._default_manager.order_by()
            .annotate(_batch_count=RawSQL(f"SELECT c1 FROM {_PAGE} LIMIT 1", ()))  # noqa: S611
            .values_list("_batch_count", flat=True)[:1]
        )
        fetch_together(total, rows, *querysets, prelude=prelude)
        counted = total[0] if len(total) else None
        if counted is not None:  # else no row on that page: counted by the paginator
            if capped:
                paginator.exact = counted
            else:
                paginator.__dict__["count"] = counted  # the cached property
    else:
        rows = rows_by_key(object_list, start, stop)
        count = count_queryset(object_list, limit=paginator.bound + 1 if capped else None)
        fetch_together(count, rows, *querysets, prepare=prepare)
        # the cached property
        paginator.__dict__["_bounded_count" if capped else "count"] = count[0] if len(count) else 0
    page = paginator.get_page(number)
    if page.number == guess:
        page.object_list = list(rows)
        if paginator.orphans and page.number == paginator.num_pages:
            page.object_list = paginator.object_list[(guess - 1) * per_page :]
    return page
