"""Django's PostgreSQL compilers; SELECTs compiled once per shape of query (core.sqlcache).

Inserts, updates, deletes and aggregates over a subquery are Django's own (a SELECT inside
them, e.g. an aggregate's inner query, is compiled here).

A model's lazy columns (``core.lazy``: ``LAZY_FIELDS``) are left out of every query that
does not name them (``_without_lazy``). Without it every page that showed a case read the
text of all its documents (the crawls of tests/security/test_crawl.py check it).
"""

from django.db.backends.postgresql import compiler

from core import sqlcache

SQLAggregateCompiler = compiler.SQLAggregateCompiler
SQLDeleteCompiler = compiler.SQLDeleteCompiler
SQLInsertCompiler = compiler.SQLInsertCompiler
SQLUpdateCompiler = compiler.SQLUpdateCompiler

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]


def _compile(compiler_, with_limits, with_col_aliases):
    return compiler.SQLCompiler.as_sql(compiler_, with_limits, with_col_aliases)


def _without_lazy(query, opts, select_mask: dict) -> dict:
    """``select_mask`` (Django's: {field: its related mask}; empty: every column) without
    the model's lazy columns, unless the query's ``only()`` named them."""
    lazy = getattr(opts.model, "LAZY_FIELDS", ())
    if not lazy:
        return select_mask
    named_only = not query.deferred_loading[1]  # ``only()``: the mask is what it names
    if select_mask and named_only:
        return select_mask
    fields = select_mask or dict.fromkeys(opts.concrete_fields, {})
    return {field: mask for field, mask in fields.items() if field.name not in lazy}


class SQLCompiler(compiler.SQLCompiler):
    def get_default_columns(self, select_mask, start_alias=None, opts=None, from_parent=None):
        model_opts = opts if opts is not None else self.query.get_meta()
        if model_opts is not None:
            select_mask = _without_lazy(self.query, model_opts, select_mask)
        return super().get_default_columns(select_mask, start_alias, opts, from_parent)

    def as_sql(self, with_limits=True, with_col_aliases=False):
        if type(self) is not SQLCompiler:  # a subclass's own SQL (none here): uncached
            return super().as_sql(with_limits, with_col_aliases)
        return sqlcache.as_sql(
            self,
            lambda c: _compile(c, with_limits, with_col_aliases),
            with_limits,
            with_col_aliases,
        )

    def get_converters(self, expressions):
        """Django's, kept with the cache's entry (``sqlcache.CONVERTERS``) when the
        expressions are the entry's select list: a page's rows are converted with the same
        functions on every request."""
        memo = self.__dict__.get(sqlcache.CONVERTERS)
        select = self.__dict__.get("select")
        if (
            memo is None
            or select is None
            or len(expressions) > len(select)
            or any(e is not s[0] for e, s in zip(expressions, select, strict=False))
        ):
            return super().get_converters(expressions)
        # per connection: a backend's converters are its operations' methods
        key = (id(self.connection), len(expressions))
        found = memo.get(key)
        if found is None:
            found = memo[key] = super().get_converters(expressions)
        return found
