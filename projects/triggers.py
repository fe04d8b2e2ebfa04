"""The triggers that keep ``CaseStateCount`` exact (django-pgtrigger, PostgreSQL).

``projects_casestatecount`` holds, per (kind, state), how many cases there are. Every
INSERT, UPDATE and DELETE of cases adds its change to those counts in the same
transaction (AFTER, statement-level, with the statement's rows as transition tables,
as ``financing.triggers`` does for the commitment totals), whatever the path: the
workflow's transitions, the admin, ``.update()``, bulk inserts, raw SQL. A TRUNCATE
empties them. So the work queues' counts (the start page, the queue page) read a few
rows instead of every case in a queue (at 200 000 cases, 60 000 index entries on every
start page).

A statement's changes are added up per key first; the keys are then written in their
order (``ORDER BY``), so two transactions moving cases between the same two states lock
the counts' rows in the same order and cannot deadlock. An UPDATE that changes neither
kind nor state (most edits) changes no count. On SQLite (the embedded demo) there are no
triggers: ``decisions.workflow.selectors`` counts the cases themselves there.
"""

import pgtrigger

from core.triggers import statement_triggers

COUNTS = "projects_casestatecount"


def _apply(tables: list[tuple[str, str]], *, subtracts: bool) -> str:
    delta = " UNION ALL ".join(
        f"SELECT kind, state, {sign}1 FROM {table}" for table, sign in tables
    )
    removal = f"DELETE FROM {COUNTS} WHERE count = 0;" if subtracts else ""
    return f"""
        INSERT INTO {COUNTS} AS t (kind, state, count)
        SELECT kind, state, sum(n) FROM ({delta}) AS delta (kind, state, n)
        GROUP BY kind, state
        HAVING sum(n) <> 0
        ORDER BY kind, state
        ON CONFLICT (kind, state) DO UPDATE SET count = t.count + EXCLUDED.count;
        {removal}
        RETURN NULL;
    """


def case_count_triggers() -> list:
    """The triggers of ``Case`` that keep the counts."""
    return [
        *statement_triggers(
            "case_counts",
            lambda event, tables: _apply(tables, subtracts=event != "insert"),
        ),
        pgtrigger.Trigger(
            name="case_counts_truncate",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Truncate,
            func=f"DELETE FROM {COUNTS}; RETURN NULL;",
        ),
    ]
