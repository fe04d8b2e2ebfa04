"""Django's PostgreSQL compilers; SELECTs compiled once per shape of query (core.sqlcache).

Inserts, updates, deletes and aggregates over a subquery are Django's own (a SELECT inside
them, e.g. an aggregate's inner query, is compiled here)."""

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


class SQLCompiler(compiler.SQLCompiler):
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
