"""Lazy columns: a model's ``LAZY_FIELDS`` (megabytes a row: a case's search columns, a
document's extracted text) are selected only by a query that names them, ``only(...)`` or
``values(...)``; every other query leaves them out, a ``select_related`` model's included,
and the instances have them deferred, read on first use (the PostgreSQL compiler,
``core.db.postgresql.compiler``; SQLite, the embedded default, reads them as any column).

A model with lazy columns also takes ``LazyColumns``, whose ``refresh_from_db()`` reloads
the lazy columns an instance holds (Django's reloads what a query selects: without them)."""

from typing import ClassVar


class LazyColumns:
    LAZY_FIELDS: ClassVar[tuple[str, ...]] = ()

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(  # type: ignore[misc]
            using=using, fields=fields, from_queryset=from_queryset
        )
        if fields is None:
            held = [name for name in self.LAZY_FIELDS if name in self.__dict__]
            if held:
                super().refresh_from_db(  # type: ignore[misc]
                    using=using, fields=held, from_queryset=from_queryset
                )
