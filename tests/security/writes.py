"""Did a request write to the app's tables? Asked cheaply first, compared exactly when so.

The refusal tests check that a refused request changes nothing: the form fuzzing and the
hostile values compare every table's row count after each refused request
(``test_form_fuzzing.row_counts``, 4 ms on the world), the crawl's refused actions an md5 of
every row of every table (``test_crawl.db_fingerprint``, 50 ms). Thousands of requests
paid that, though nearly all of them wrote nothing.

PostgreSQL counts, per table, the rows the current transaction has inserted, updated and
deleted (``pg_stat_get_xact_tuples_*``, subtransactions included, whether rolled back or
not): 0.6 ms for all the tables. A table whose counts have not moved since a request has
not changed, so the comparison is skipped; when they have moved, the tables are compared
as before (a write the view rolled back, or an update to the same values, changes nothing,
and the comparison says so). Only writes on this connection are counted: the tests' requests
and their Celery tasks (in-process) use it. A TRUNCATE counts no rows: each table's file is
compared too (a truncated table gets a new one). On another database every request is
compared.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection, transaction

# The rows written, and each table's file: a TRUNCATE (which the app never issues) empties
# a table without counting its rows, but gives the table a new file.
COUNTED = (
    "SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(t)"
    " + pg_stat_get_xact_tuples_updated(t) + pg_stat_get_xact_tuples_deleted(t)), 0),"
    " array_agg(pg_relation_filenode(t) ORDER BY t) FROM unnest(%s::regclass[]) AS t"
)


def app_tables(labels, *, exclude=()) -> list[str]:
    """The tables of the apps ``labels`` (their models and many-to-many tables)."""
    return sorted(
        {
            model._meta.db_table
            for label in labels
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        - set(exclude)
    )


def write_count(tables: list[str]) -> tuple | None:
    """Rows inserted, updated or deleted in ``tables`` by this transaction so far, and the
    tables' files (None: not PostgreSQL, not known)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(COUNTED, [tables])
        return tuple(cursor.fetchone())


class Writes:
    """Marks the write count of ``tables`` now; ``happened()``: did it move since?"""

    def __init__(self, tables: list[str]):
        self.tables = tables
        self.mark = write_count(tables)

    def happened(self) -> bool:
        return self.mark is None or write_count(self.tables) != self.mark


@contextmanager
def changed_tables(snapshot: Callable[[], dict], tables: list[str]) -> Iterator[list[str]]:
    """The tables whose ``snapshot`` (table -> a value of its content) differs after the
    block from before it: the yielded list, filled when the block ends.

    Without writes to ``tables`` in the block, nothing is compared. With them, the snapshot
    is taken after the block and again before it, by rolling the block back to a savepoint
    (so what the block wrote does not outlive it).
    """
    changed: list[str] = []
    writes = Writes(tables)
    before = snapshot() if writes.mark is None else None
    savepoint = transaction.savepoint()
    try:
        yield changed
    except BaseException:
        transaction.savepoint_rollback(savepoint)
        transaction.savepoint_commit(savepoint)  # released
        raise
    if not writes.happened():
        transaction.savepoint_commit(savepoint)
        return
    after = snapshot()
    if before is None:  # PostgreSQL: the block's writes are undone to read the before
        transaction.savepoint_rollback(savepoint)
        before = snapshot()
    transaction.savepoint_commit(savepoint)
    changed += sorted(table for table in before if before[table] != after.get(table))
