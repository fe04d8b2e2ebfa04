"""Emptying the test database after a transactional test with DELETE instead of TRUNCATE.

After every ``transactional_db`` test (live servers, real Celery workers, the concurrency
tests) Django's ``flush`` empties every table with one ``TRUNCATE`` of all 176 tables.
TRUNCATE gives each table (and its indexes and TOAST table) new files: 3-6 s on this
machine for tables that hold a few rows, for each of the ~80 transactional tests. DELETE of
the same tables empties them in about 0.1 s.

The statements run in the flush's own transaction with ``session_replication_role =
replica``, which skips the tables' triggers as TRUNCATE does: the pgtrigger protections of
signed records (which would refuse the DELETE) and the foreign keys' checks (every table is
emptied). That setting needs a superuser (the tests' ``postgres`` role); for any other role,
and when sequences are to be reset or a cascade is asked for, Django's TRUNCATE runs as
before.
"""

import functools

from django.db.backends.postgresql.operations import DatabaseOperations

_truncate = DatabaseOperations.sql_flush


def _is_superuser(ops: DatabaseOperations) -> bool:
    with ops.connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return bool(cursor.fetchone()[0])


@functools.wraps(_truncate)
def _sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if not tables or reset_sequences or allow_cascade or not _is_superuser(self):
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [
        "SET LOCAL session_replication_role = replica;",
        *(
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ),
        "SET LOCAL session_replication_role = DEFAULT;",
    ]


def install() -> None:
    DatabaseOperations.sql_flush = _sql_flush  # type: ignore[method-assign]


def uninstall() -> None:
    DatabaseOperations.sql_flush = _truncate  # type: ignore[method-assign]
