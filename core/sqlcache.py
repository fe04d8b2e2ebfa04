"""Compiled SQL kept by the query's shape: a page's queries compiled once per process.

Turning a queryset into SQL (Django's compiler: the select list, joins, ordering, the
lookups) costs about 0.4 ms a query, a third of the case page's view, though the SQL is
the same on every request: only the looked-up values (the case's id, the user's) change.
The PostgreSQL backend's SELECT compiler (``core.db.postgresql``, the ``ENGINE`` of every
PostgreSQL database in the settings) answers ``as_sql()`` from a cache keyed by the
query's **shape**, and leaves on the compiler what the first compile of that shape left
(its select list, ``klass_info`` ...), through which the rows are read:

- ``shape(query)`` walks the whole query object graph (``Query``, its joins, where tree,
  annotations, ordering, subqueries ...) and builds a key of everything in it, except the
  values a filter compares with (a lookup's right-hand side), a ``Value``'s value and a
  ``RawSQL``'s parameters: those are the query's **slots**. ``None`` and booleans are
  part of the key (they change the SQL: ``IS NULL``, ``NOT col``), so are the length of
  a list of values and where it repeats or holds ``None`` (``IN`` drops both). Model
  fields and classes are keys by identity. Anything else in the graph (a model instance,
  a function, a class from outside Django's query machinery) makes the query
  uncacheable: it is compiled as before.
- On a miss the query is compiled twice: with its own values, then a copy of it (sharing
  nothing mutable with the query or its clones) with a distinct **sentinel** in every
  slot (a number, string, date ... of the same type that the real values cannot be
  confused with). The entry is kept only if both give the same SQL text
  and every parameter is either a slot's sentinel (it is that slot's value) or the same
  in both (a constant of the query). A value that shapes the SQL (a year turned into two
  dates, a text wrapped in ``%...%``, an integer beyond the column's range) fails that
  test and the query is compiled on every use.
- On a hit the SQL is the entry's, the parameters are the slots' values in the entry's
  order: no compile. Every SELECT goes through it: a queryset's own evaluation, ``get()``,
  the subqueries of an aggregate, ``core.batch``'s combined queries.

``settings.SQL_CACHE`` turns it off (``False``); ``settings.SQL_CACHE_VERIFY`` (on in
the tests) compiles the first hits of each entry (``VERIFY_HITS``) afresh too and raises
``AssertionError`` if the SQL or a parameter differs, so the whole test suite checks the
shapes of every page's queries.
The cache is per process, bounded (``MAX_ENTRIES``, least recently used first out).
"""

from __future__ import annotations

import datetime
import decimal
import enum
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Field, Model
from django.db.models.expressions import RawSQL, Value
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.db.models.lookups import Lookup
from django.utils import timezone

MAX_ENTRIES = 2000


class Uncacheable(Exception):
    """The query holds something whose effect on the SQL the shape cannot tell."""


# Attributes derived from others (cached properties, memo caches) or read only while filters
# are built: not part of the shape.
_DERIVED = frozenset(
    {
        "_constructor_args",
        "contains_aggregate",
        "contains_over_clause",
        "contains_column_references",
        "contains_subquery",
        "convert_value",
        "identity",
        "allowed_default",
        "base_table",
        "_annotation_select_cache",
        "_extra_select_cache",
        # a join's columns, from its join field
        "join_fields",
        "join_cols",
        # what builds filters, not SQL: the aliases a sticky filter reuses, the joins of the
        # last lookup, the tables' aliases (in alias_map)
        "used_aliases",
        "filter_is_sticky",
        "_lookup_joins",
        "table_map",
    }
)
_PLAIN = (type(None), bool, int, str, float)
# Values that pass the compiler unchanged (checked for each entry, see ``_entry``). Decimals
# and floats stay in the key: a decimal field rounds them to its precision.
_SLOT_TYPES = (int, str, datetime.date, uuid.UUID)  # a datetime is a date
# the query machinery: Django's and this project's expressions
_MODULES = ("django.db.models.", "django.contrib.postgres.", "core.expressions")


@dataclass
class _Slot:
    """Where a value sits in the query graph: ``owner.attr`` or ``owner.attr[index]``."""

    owner: Any
    attr: str
    index: int | None
    value: Any


def shape(query) -> tuple[tuple, list[_Slot]]:
    """(key, slots) of ``query``: equal keys mean the same SQL for the slots' values."""
    slots: list[_Slot] = []
    return _walk(query, slots, {}), slots


def _slot_key(owner, attr: str, value, slots: list[_Slot]):
    kind = type(value)
    if value is None or kind is bool:
        return value
    if isinstance(value, _SLOT_TYPES):
        slots.append(_Slot(owner, attr, None, value))
        return ("$", kind, _aware(value))
    if kind is float or kind is decimal.Decimal:
        return (kind, value)
    if kind in (list, tuple):
        parts = []
        first: dict = {}
        for index, item in enumerate(value):
            item_kind = type(item)
            if item is None or item_kind is bool:
                parts.append(item)
                continue
            if not isinstance(item, _SLOT_TYPES):
                parts.append((item_kind, _walk(item, slots, {})))  # e.g. decimals: the key
                continue
            # ``IN`` drops repeated values (equal ones, as a set): where a value repeats is
            # part of the shape
            try:
                seen = first.setdefault(item, index)
            except TypeError as error:
                raise Uncacheable("unhashable value") from error
            parts.append(("$", item_kind, _aware(item), seen))
            slots.append(_Slot(owner, attr, index, item))
        return (kind, tuple(parts))
    raise Uncacheable(f"{kind.__name__} as a value")


def _aware(value) -> bool | None:
    """A datetime's awareness (a naive one is made aware in the compile), else None."""
    return value.tzinfo is not None if isinstance(value, datetime.datetime) else None


# What each type in a query graph is, decided once per type (the walk's dispatch).
_LEAF, _SEQUENCE, _MAPPING, _SET, _CLASS, _RELATION, _FIELD, _CONSTANT, _NODE, _OTHER = range(10)
_kinds: dict[type, int] = {}
# the attribute of a node that holds values (its slots), by the node's type
_slot_attrs: dict[type, str | None] = {}


def _kind_of(kind: type) -> int:
    found = _kinds.get(kind)
    if found is None:
        if kind in _PLAIN:
            found = _LEAF
        elif kind is tuple or kind is list:
            found = _SEQUENCE
        elif kind is dict:
            found = _MAPPING
        elif kind is set or kind is frozenset:
            found = _SET
        elif issubclass(kind, type):
            found = _CLASS
        elif issubclass(kind, ForeignObjectRel):
            found = _RELATION
        elif issubclass(kind, Field):
            found = _FIELD
        elif issubclass(kind, (datetime.date, decimal.Decimal, uuid.UUID, datetime.timedelta)):
            found = _CONSTANT  # e.g. a constant in an annotation
        elif not issubclass(kind, Model) and kind.__module__.startswith(_MODULES):
            found = _NODE
            if issubclass(kind, Lookup):
                _slot_attrs[kind] = "rhs"
            elif kind is Value:
                _slot_attrs[kind] = "value"
            elif kind is RawSQL:
                _slot_attrs[kind] = "params"
            else:
                _slot_attrs[kind] = None
        else:
            found = _OTHER
        _kinds[kind] = found
    return found


def _walk(obj, slots: list[_Slot], seen: dict):  # noqa: C901 (one dispatch on the type)
    kind = type(obj)
    what = _kinds.get(kind)
    if what is None:
        what = _kind_of(kind)
    if what == _LEAF:
        return obj
    if what == _NODE:
        marker = id(obj)
        if marker in seen:  # shared within the graph (a subquery's outer query, a join)
            return ("@", seen[marker])
        seen[marker] = len(seen)
        slot_attr = _slot_attrs[kind]
        items = []
        for name, value in obj.__dict__.items():
            if name in _DERIVED:
                continue
            if name == slot_attr and not hasattr(value, "resolve_expression"):
                items.append((name, _slot_key(obj, name, value, slots)))
            else:
                items.append((name, _walk(value, slots, seen)))
        return (kind, tuple(items))
    if what == _SEQUENCE:
        return (kind, tuple([_walk(item, slots, seen) for item in obj]))
    if what == _MAPPING:
        return ("d", tuple([(name, _walk(value, slots, seen)) for name, value in obj.items()]))
    if what == _FIELD:
        if getattr(obj, "model", None) is not None:
            return ("f", id(obj))  # a model's field
        # an expression's output field: its kind and the attributes its SQL reads
        return (
            "of",
            kind,
            getattr(obj, "max_length", None),
            getattr(obj, "max_digits", None),
            getattr(obj, "decimal_places", None),
            _walk(getattr(obj, "base_field", None), slots, seen),
        )
    if what == _RELATION:
        return ("r", id(obj))  # a model's relation: lives as long as the model
    if what == _SET:
        return ("s", frozenset([_walk(item, slots, seen) for item in obj]))
    if what == _CLASS:
        if issubclass(obj, Model) or obj.__module__.startswith(_MODULES):
            return obj
        raise Uncacheable(f"class {obj.__qualname__}")
    if what == _CONSTANT:
        return (kind, obj)
    raise Uncacheable(f"{kind.__module__}.{kind.__qualname__}")


# --- sentinels --------------------------------------------------------------------------

_SENTINEL_BASE = 30011  # within a smallint's range: Django elides out-of-range lookups


def _sentinel(value, number: int):
    """A value of ``value``'s type, distinct for each ``number`` and unlike real data."""
    kind = type(value)
    if isinstance(value, str):
        return f"\x1fslot-{number}\x1f"
    if kind is int or isinstance(value, int):
        return _SENTINEL_BASE + number
    if isinstance(value, datetime.datetime):
        return datetime.datetime(1901, 1, 1, tzinfo=value.tzinfo) + datetime.timedelta(
            minutes=number
        )
    if isinstance(value, datetime.date):
        return datetime.date(1901, 1, 1) + datetime.timedelta(days=number)
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=(0x5E << 120) + number)
    raise Uncacheable(type(value).__name__)


def _copy(obj, memo: dict):
    """A copy of the query graph that shares nothing mutable with it (``Query.clone``
    shares the lookups): the sentinels are set in the copy, so no other queryset, in this
    thread or another, ever sees them."""
    kind = type(obj)
    if kind in _PLAIN or isinstance(obj, (type, Field, ForeignObjectRel, Model)):
        return obj
    done = memo.get(id(obj))
    if done is not None:
        return done
    if kind is list:
        memo[id(obj)] = items = []
        items.extend([_copy(item, memo) for item in obj])
        return items
    if kind is dict:
        memo[id(obj)] = mapping = {}
        for name, value in obj.items():
            mapping[name] = _copy(value, memo)
        return mapping
    if kind is tuple or kind is set or kind is frozenset:
        return kind([_copy(item, memo) for item in obj])
    attrs = getattr(obj, "__dict__", None)
    if attrs is None or not kind.__module__.startswith(_MODULES) or isinstance(obj, _VALUES):
        return obj  # values (dates, choices' members ...): the compiler only reads them
    copied = object.__new__(kind)
    memo[id(obj)] = copied
    copied.__dict__.update(
        {name: _copy(value, memo) for name, value in attrs.items() if name != "identity"}
    )
    return copied


def _set(slot: _Slot, value) -> None:
    if slot.index is None:
        setattr(slot.owner, slot.attr, value)
        return
    current = getattr(slot.owner, slot.attr)
    items = list(current)
    items[slot.index] = value
    setattr(slot.owner, slot.attr, type(current)(items))


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


# --- the cache --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    sql: str
    # per parameter: ("slot", n, wrap) (slot n's value, or ``wrap(value)`` where the backend
    # wraps it, e.g. psycopg's ``Int8`` for a bigint column) or ("const", value, None)
    params: tuple[tuple[str, Any, Any], ...]
    # what the first compile left on its compiler (select, klass_info, col_count ...): the
    # rows are read through it
    state: dict


_cache: OrderedDict = OrderedDict()
_uncacheable: OrderedDict = OrderedDict()  # keys whose SQL depends on the values
_VALUES = (str, int, float, bytes, enum.Enum)  # immutable, whatever their module
_lock = threading.Lock()  # the stores' order (a threaded development server)
stats = {"hits": 0, "misses": 0, "uncacheable": 0}
# an entry's converters of its rows: {key: converters}, shared by the compilers it serves
CONVERTERS = "_nc_converters"
# the compiler's own attributes, not what a compile leaves on it
_OWN = frozenset({"query", "connection", "using", "elide_empty", CONVERTERS})


def clear() -> None:
    _cache.clear()
    _uncacheable.clear()
    _checks.clear()
    for name in stats:
        stats[name] = 0


def _verifying() -> bool:
    return getattr(settings, "SQL_CACHE_VERIFY", False)


# Verification compiles the first VERIFY_HITS hits of each entry afresh (with other values
# each time, as the tests make new rows), not every hit: the suite stays fast.
VERIFY_HITS = 5
_checks: dict = {}


def _checked(key) -> bool:
    done = _checks.get(key, 0)
    if done >= VERIFY_HITS:
        return False
    if len(_checks) > 4 * MAX_ENTRIES:  # entries evicted since: count again
        _checks.clear()
    _checks[key] = done + 1
    return True


def _enabled() -> bool:
    return getattr(settings, "SQL_CACHE", True)


def as_sql(compiler, compile_, with_limits: bool = True, with_col_aliases: bool = False):
    """``compiler.as_sql(with_limits, with_col_aliases)``, from the cache where the query's
    shape was compiled before (``core.db.postgresql.compiler.SQLCompiler``).
    ``compile_(compiler)`` is the compile without the cache; ``EmptyResultSet`` is raised
    as it raises it."""
    if not _enabled():
        return compile_(compiler)
    query = compiler.query
    try:
        key, slots = shape(query)
        key = (
            type(compiler),
            compiler.using,
            compiler.elide_empty,
            with_limits,
            with_col_aliases,
            type(query),
            # a date or time function of a datetime column compiles the active time zone in
            timezone.get_current_timezone_name() if settings.USE_TZ else None,
            key,
        )
        entry = _cache.get(key)
    except (Uncacheable, TypeError):  # TypeError: an unhashable part of the key
        stats["uncacheable"] += 1
        return compile_(compiler)
    except Exception:  # a query the walk does not know: compiled as before (raised in tests)
        if _verifying():
            raise
        stats["uncacheable"] += 1
        return compile_(compiler)
    if entry is not None:
        with _lock:
            if key in _cache:
                _cache.move_to_end(key)
        stats["hits"] += 1
        params = tuple(
            ref if how == "const" else slots[ref].value if wrap is None else wrap(slots[ref].value)
            for how, ref, wrap in entry.params
        )
        # first: the rows are read through it even when nothing is asked (EmptyResultSet)
        compiler.__dict__.update(entry.state)
        if _verifying() and _checked(key):
            fresh = query.get_compiler(
                connection=compiler.connection, elide_empty=compiler.elide_empty
            )
            # EmptyResultSet (a value beyond its column) is raised as the compile raises it:
            # the cached SQL reads no rows either (tests/core/test_sqlcache.py)
            _verify(entry.sql, params, compile_(fresh))
        return entry.sql, params
    sql, params = compile_(compiler)
    if key in _uncacheable:
        stats["uncacheable"] += 1
        return sql, params
    stats["misses"] += 1
    try:
        entry = _entry(compiler, compile_, slots, sql, params)
    except Exception:  # as above: the query is served all the same
        if _verifying():
            raise
        entry = None
    if entry is None:
        _remember(_uncacheable, key, True)
    else:
        _remember(_cache, key, entry)
    return sql, params


def _remember(store: OrderedDict, key, value) -> None:
    with _lock:
        store[key] = value
        while len(store) > MAX_ENTRIES:
            store.popitem(last=False)


def _entry(compiler, compile_, slots, sql, params) -> _Entry | None:
    """The cache entry of this compile, checked against a compile with sentinels."""
    state = {name: value for name, value in compiler.__dict__.items() if name not in _OWN}
    # the rows' converters of this select list, worked out once (SQLCompiler.get_converters)
    state[CONVERTERS] = {}
    copied = _copy(compiler.query, {})
    copy_slots = shape(copied)[1]  # the same slots, in the same order
    if len(copy_slots) != len(slots):
        return None
    sentinels: list = []
    repeated: dict = {}  # a value repeated in one list gets its first place's sentinel (IN)
    for number, slot in enumerate(slots):
        if slot.index is not None:
            first = repeated.setdefault((id(slot.owner), slot.attr, slot.value), number)
            if first != number:
                sentinels.append(sentinels[first])
                continue
        try:
            sentinel = _sentinel(slot.value, number)
        except Uncacheable:
            return None
        if _same(sentinel, slot.value):
            return None
        sentinels.append(sentinel)
    for slot, sentinel in zip(copy_slots, sentinels, strict=True):
        _set(slot, sentinel)
    try:
        sentinel_sql, sentinel_params = compile_(
            copied.get_compiler(connection=compiler.connection, elide_empty=compiler.elide_empty)
        )
    except Exception:  # noqa: BLE001 (a value the compiler reads: not cacheable)
        return None
    if sentinel_sql != sql or len(sentinel_params) != len(params):
        return None
    by_sentinel: dict = {}
    for number, sentinel in enumerate(sentinels):
        by_sentinel.setdefault(sentinel, number)
    template: list[tuple[str, Any, Any]] = []
    for real, fake in zip(params, sentinel_params, strict=True):
        found = by_sentinel.get(fake) if _hashable(fake) else None
        if found is not None and isinstance(fake, type(sentinels[found])):
            value = slots[found].value
            if _same(real, value):
                template.append(("slot", found, None))
            elif type(real) is type(fake) and real == value and _same(type(fake)(value), real):
                template.append(("slot", found, type(fake)))  # wrapped by the backend
            else:
                return None
        elif _same(real, fake):
            template.append(("const", real, None))
        else:
            return None
    return _Entry(sql=sql, params=tuple(template), state=state)


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _verify(sql: str, params: tuple, fresh: tuple) -> None:
    fresh_sql, fresh_params = fresh
    if fresh_sql != sql or len(fresh_params) != len(params):
        raise AssertionError(f"cached SQL differs from a fresh compile:\n{sql}\n{fresh_sql}")
    for number, (cached, new) in enumerate(zip(params, fresh_params, strict=True)):
        if not _same(cached, new):
            raise AssertionError(
                f"cached SQL's parameter {number} is {cached!r}, a fresh compile's {new!r}\n{sql}"
            )


# --- for tests and tools ---------------------------------------------------------------


def compiled(query, using: str = "default"):
    """(sql, params, compiler) of ``query``, as a queryset's evaluation compiles it."""
    compiler = query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    return sql, list(params), compiler


def fresh(query, using: str = "default"):
    """(sql, params) of ``query`` compiled without the cache."""
    from django.db.models.sql.compiler import SQLCompiler

    sql, params = SQLCompiler.as_sql(query.get_compiler(using=using))
    return sql, list(params)
