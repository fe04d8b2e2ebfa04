"""The triggers that keep ``CommitmentTotal`` exact (django-pgtrigger, PostgreSQL).

``financing_commitmenttotal`` holds, per (grant, decision year = the year of
``committed_on``, category, priority), the sums of the commitments' amounts and of
their payments, releases and recoveries. Every INSERT, UPDATE and DELETE of a
commitment, payment, release or recovery adds its change to those sums in the same
transaction (row-level AFTER triggers, an UPSERT into the key's row), whatever the path
(services, admin, ``.update()``, bulk inserts, raw SQL); a TRUNCATE empties the sums it
removed. So the dashboard reads a few rows instead of every commitment of every year
(``financing.selectors.commitment_totals``).

The invariant: the table holds, per key, the sum of every existing commitment's amount
and of the payments, releases and recoveries of existing commitments (a row whose sums
are all zero is removed). Each trigger keeps it for its own row:

- a commitment added, removed or moved to another key (grant, year, category, priority,
  or its id) takes its amount and its payments', releases' and recoveries' sums with it;
- a payment, release or recovery added, removed, changed in amount or moved to another
  commitment adds or removes its amount at its commitment's key, if that commitment
  exists (with deferred foreign keys a child may be written before its commitment or
  outlive it within a transaction: the commitment's own trigger then counts it).

Row triggers run at the end of their statement and read the other tables as they are
then, so the invariant holds for statements that change one of these tables at a time
(a data-modifying ``WITH`` changing a commitment and its children in one statement is
not supported). On SQLite (the embedded demo) there are no triggers: the selectors
compute the same rows from the raw tables there.
"""

import pgtrigger

TOTALS = "financing_commitmenttotal"
SUMS = ("committed", "paid", "released", "recovered")


def _year(row: str) -> str:
    return f"EXTRACT(YEAR FROM {row}.committed_on)::integer"


def _key(row: str) -> tuple[str, str, str, str]:
    """The totals' key of commitment ``row`` (``NEW``, ``OLD`` or a record)."""
    return (f"{row}.grant_id", _year(row), f"{row}.category", f"{row}.priority")


def _add(key: tuple[str, str, str, str], **amounts: str) -> str:
    """Add ``amounts`` (SQL, by sum name; missing ones are 0) to the row of ``key``."""
    values = ", ".join(amounts.get(name, "0") for name in SUMS)
    updates = ", ".join(f"{name} = t.{name} + EXCLUDED.{name}" for name in SUMS)
    return f"""
        INSERT INTO {TOTALS} AS t
            (grant_id, decision_year, category, priority, {", ".join(SUMS)})
        VALUES ({", ".join(key)}, {values})
        ON CONFLICT (grant_id, decision_year, category, priority) DO UPDATE SET {updates};
    """


def _subtract(key: tuple[str, str, str, str], **amounts: str) -> str:
    """Take ``amounts`` from the row of ``key``; remove the row when nothing is left."""
    zero = " AND ".join(f"{name} = 0" for name in SUMS)
    return f"""
        {_add(key, **{name: f"-({amount})" for name, amount in amounts.items()})}
        DELETE FROM {TOTALS} WHERE grant_id = {key[0]} AND decision_year = {key[1]}
            AND category = {key[2]} AND priority = {key[3]} AND {zero};
    """


# The children: their table and the sum their amounts make.
CHILDREN = (
    ("financing_payment", "paid"),
    ("financing_release", "released"),
    ("financing_recovery", "recovered"),
)


def _children_sums(commitment_id: str) -> str:
    return "\n".join(
        f"SELECT coalesce(sum(amount), 0) INTO sum_{name} FROM {table} "
        f"WHERE commitment_id = {commitment_id};"
        for table, name in CHILDREN
    )


# The sums of a commitment's children, read into these variables (not named as the columns).
_CHILDREN_SUMS = {name: f"sum_{name}" for _table, name in CHILDREN}

_UNCHANGED_COMMITMENT = (
    " AND ".join(
        f"NEW.{column} = OLD.{column}"
        for column in ("id", "grant_id", "amount", "category", "priority")
    )
    + f" AND {_year('NEW')} = {_year('OLD')}"
)

_COMMITMENT_FUNC = f"""
    IF TG_OP = 'UPDATE' THEN
        IF {_UNCHANGED_COMMITMENT} THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        {_children_sums("OLD.id")}
        {_subtract(_key("OLD"), committed="OLD.amount", **_CHILDREN_SUMS)}
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {_children_sums("NEW.id")}
        {_add(_key("NEW"), committed="NEW.amount", **_CHILDREN_SUMS)}
    END IF;
    RETURN NULL;
"""


def _child_func(name: str) -> str:
    commitment = "SELECT grant_id, committed_on, category, priority INTO c "
    return f"""
        IF TG_OP = 'UPDATE' THEN
            IF NEW.commitment_id = OLD.commitment_id AND NEW.amount = OLD.amount THEN
                RETURN NULL;
            END IF;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            {commitment} FROM financing_commitment WHERE id = OLD.commitment_id;
            IF FOUND THEN
                {_subtract(_key("c"), **{name: "OLD.amount"})}
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            {commitment} FROM financing_commitment WHERE id = NEW.commitment_id;
            IF FOUND THEN
                {_add(_key("c"), **{name: "NEW.amount"})}
            END IF;
        END IF;
        RETURN NULL;
    """


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
    return [
        pgtrigger.Trigger(
            name="commitment_totals",
            when=pgtrigger.After,
            operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
            declare=[(variable, "numeric") for variable in _CHILDREN_SUMS.values()],
            func=_COMMITMENT_FUNC,
        ),
        _truncate_trigger("commitment", None),
    ]


def child_totals_triggers(prefix: str, name: str) -> list:
    """The triggers of a payment, release or recovery table (its sum ``name``)."""
    return [
        pgtrigger.Trigger(
            name=f"{prefix}_totals",
            when=pgtrigger.After,
            operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
            declare=[("c", "record")],
            func=_child_func(name),
        ),
        _truncate_trigger(prefix, name),
    ]
