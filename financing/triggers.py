"""The triggers that keep ``CommitmentTotal`` exact (django-pgtrigger, PostgreSQL).

``financing_commitmenttotal`` holds, per (grant, decision year = the year of
``committed_on``, category, priority), the sums of the commitments' amounts and of
their payments, releases and recoveries. Every INSERT, UPDATE and DELETE of a
commitment, payment, release or recovery adds its change to those sums in the same
transaction (AFTER triggers, an UPSERT into the key's row), whatever the path
(services, admin, ``.update()``, bulk inserts, raw SQL); a TRUNCATE empties the sums it
removed. So the dashboard reads a few rows instead of every commitment of every year
(``financing.selectors.commitment_totals``).

The triggers are statement-level, with the statement's changed rows as transition tables
(``old_rows``, ``new_rows``): a statement's changes are added up by key first, then each
key's row is updated once. (Row-level triggers update the same totals row once per
changed row; each update in one transaction leaves a row version the next one has to pass:
the bench's bulk insert of 44 000 commitments at a few keys ran for over two minutes
before it was stopped.)

The invariant: the table holds, per key, the sum of every existing commitment's amount
and of the payments, releases and recoveries of existing commitments (a row whose sums
are all zero is removed). Each statement keeps it for the rows it changed:

- a commitment added, removed or moved to another key (grant, year, category, priority,
  or its id) takes its amount and its payments', releases' and recoveries' sums with it;
- a payment, release or recovery added, removed, changed in amount or moved to another
  commitment adds or removes its amount at its commitment's key, if that commitment
  exists (with deferred foreign keys a child may be written before its commitment or
  outlive it within a transaction: the commitment's own trigger then counts it).

The triggers run at the end of their statement and read the other tables as they are
then, so the invariant holds for statements that change one of these tables at a time
(a data-modifying ``WITH`` changing a commitment and its children in one statement is
not supported). On SQLite (the embedded demo) there are no triggers: the selectors
compute the same rows from the raw tables there.
"""

import pgtrigger

from core.triggers import statement_triggers

TOTALS = "financing_commitmenttotal"
KEYS = ("grant_id", "decision_year", "category", "priority")
SUMS = ("committed", "paid", "released", "recovered")

# The children: their table and the sum their amounts make.
CHILDREN = (
    ("financing_payment", "paid"),
    ("financing_release", "released"),
    ("financing_recovery", "recovered"),
)


def _key(alias: str) -> str:
    """The totals' key of the commitment ``alias``."""
    return (
        f"{alias}.grant_id, EXTRACT(YEAR FROM {alias}.committed_on)::integer, "
        f"{alias}.category, {alias}.priority"
    )


def _apply(delta: str, *, subtracts: bool) -> str:
    """Add ``delta`` (a query of ``KEYS`` and ``SUMS`` columns, several rows per key) to
    the totals: one UPSERT per key that changes; then remove rows left at zero."""
    sums = ", ".join(f"sum({name})" for name in SUMS)
    changed = " OR ".join(f"sum({name}) <> 0" for name in SUMS)
    updates = ", ".join(f"{name} = t.{name} + EXCLUDED.{name}" for name in SUMS)
    zero = " AND ".join(f"{name} = 0" for name in SUMS)
    removal = f"DELETE FROM {TOTALS} WHERE {zero};" if subtracts else ""
    return f"""
        INSERT INTO {TOTALS} AS t ({", ".join(KEYS)}, {", ".join(SUMS)})
        SELECT {", ".join(KEYS)}, {sums}
        FROM ({delta}) AS delta ({", ".join(KEYS)}, {", ".join(SUMS)})
        GROUP BY {", ".join(KEYS)}
        HAVING {changed}
        ON CONFLICT ({", ".join(KEYS)}) DO UPDATE SET {updates};
        {removal}
        RETURN NULL;
    """


def _commitment_rows(table: str, sign: str) -> str:
    """The changed commitments of ``table`` with their amount and their children's sums."""
    children = ", ".join(
        f"{sign}coalesce((SELECT sum(x.amount) FROM {child} x WHERE x.commitment_id = c.id), 0)"
        for child, _name in CHILDREN
    )
    return f"SELECT {_key('c')}, {sign}c.amount, {children} FROM {table} c"


def _child_rows(table: str, name: str, sign: str) -> str:
    """The changed rows of ``table`` whose commitment exists, at its key."""
    amounts = ", ".join(f"{sign}r.amount" if s == name else "0" for s in SUMS)
    return (
        f"SELECT {_key('c')}, {amounts} FROM {table} r "
        "JOIN financing_commitment c ON c.id = r.commitment_id"
    )


def _triggers(prefix: str, rows) -> list:
    """The INSERT, UPDATE and DELETE triggers of a table; ``rows(table, sign)`` is the
    delta of the transition table ``table`` (``sign``: "" or "-")."""
    return statement_triggers(
        f"{prefix}_totals",
        lambda event, tables: _apply(
            " UNION ALL ".join(rows(table, sign) for table, sign in tables),
            subtracts=event != "insert",
        ),
    )


def _truncated(name: str | None) -> str:
    """After a TRUNCATE: nothing is left of what the table added (every commitment, or
    every child of one kind)."""
    if name is None:
        return f"DELETE FROM {TOTALS}; RETURN NULL;"
    zero = " AND ".join(f"{sum_name} = 0" for sum_name in SUMS)
    return f"""
        UPDATE {TOTALS} SET {name} = 0 WHERE {name} <> 0;
        DELETE FROM {TOTALS} WHERE {zero};
        RETURN NULL;
    """


def _truncate_trigger(prefix: str, name: str | None):
    return pgtrigger.Trigger(
        name=f"{prefix}_totals_truncate",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Truncate,
        func=_truncated(name),
    )


def commitment_totals_triggers() -> list:
    """The triggers of ``Commitment`` that keep the totals."""
    return [*_triggers("commitment", _commitment_rows), _truncate_trigger("commitment", None)]


def child_totals_triggers(prefix: str, name: str) -> list:
    """The triggers of a payment, release or recovery table (its sum ``name``)."""
    return [
        *_triggers(prefix, lambda table, sign: _child_rows(table, name, sign)),
        _truncate_trigger(prefix, name),
    ]
