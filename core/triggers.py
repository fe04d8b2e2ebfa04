"""Database triggers that keep a signed record unchangeable by any path (admin, shell,
API, a bug): PostgreSQL refuses the UPDATE or DELETE itself, and the INSERT of a row into a
signed record (django-pgtrigger).

``frozen_record`` builds a row trigger that raises when ``frozen_when`` (SQL on the old
row, ``OLD``) is true and the statement deletes the row or changes a column other than
the ``allowed`` ones (e.g. the notice's posting date, set after justering). The error
names the table and row; the services refuse such changes earlier with a clear message,
so a user never meets it. On SQLite (the embedded demo default) there are no triggers.
"""

import pgtrigger

FROZEN_ERRCODE = "55000"  # object_not_in_prerequisite_state


def _func(frozen_when: str, allowed: tuple[str, ...], inserts: bool) -> str:
    minus = "".join(f" - '{column}'" for column in allowed)
    insert = ""
    if inserts:  # the same condition on the new row: nothing added to a signed record
        insert = f"""
        IF TG_OP = 'INSERT' THEN
            IF ({frozen_when.replace("OLD.", "NEW.")}) THEN
                RAISE EXCEPTION 'Norrbotten Cases: a row cannot be added to % of a signed '
                    'protocol; a correction is a new decision.', TG_TABLE_NAME
                    USING ERRCODE = '{FROZEN_ERRCODE}';
            END IF;
            RETURN NEW;
        END IF;"""
    return f"""{insert}
        IF ({frozen_when}) AND (
            TG_OP = 'DELETE' OR (to_jsonb(NEW){minus}) IS DISTINCT FROM (to_jsonb(OLD){minus})
        ) THEN
            RAISE EXCEPTION 'Norrbotten Cases: row % of % belongs to a signed protocol and '
                'cannot be changed; a correction is a new decision.', OLD.id, TG_TABLE_NAME
                USING ERRCODE = '{FROZEN_ERRCODE}';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    """


def frozen_record(
    *, name: str, frozen_when: str, allowed: tuple[str, ...] = (), inserts: bool = False
):
    """``inserts``: also refuse a new row for which ``frozen_when`` holds (read on the new
    row): for the rows of a signed record (a vote, a motion, an attendee, a § ...), not for
    the record's own table, where a signed row is made once."""
    operation = pgtrigger.Update | pgtrigger.Delete
    if inserts:
        operation = pgtrigger.Insert | operation
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=operation,
        func=_func(frozen_when, allowed, inserts),
    )


def set_once(*, name: str, columns: tuple[str, ...]):
    """A trigger refusing any change of ``columns`` once the first of them is set: the day a
    notice went up on the board starts the appeal period, so it is never moved or undone
    (the services post a notice once; this holds for every other path)."""
    changed = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in columns)
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        func=f"""
        IF OLD.{columns[0]} IS NOT NULL AND ({changed}) THEN
            RAISE EXCEPTION 'Norrbotten Cases: the notice of row % of % was posted on % and '
                'the appeal period runs from that day; it cannot be moved or undone.',
                OLD.id, TG_TABLE_NAME, OLD.{columns[0]}
                USING ERRCODE = '{FROZEN_ERRCODE}';
        END IF;
        RETURN NEW;
        """,
    )


# SQL for "the row's meeting is signed" and "the row's § is signed (with its meeting, or
# at once)", for tables holding meeting_id or paragraph_id.
MEETING_SIGNED = (
    "EXISTS (SELECT 1 FROM decisions_meeting m WHERE m.id = OLD.meeting_id AND m.status = 'signed')"
)
PARAGRAPH_SIGNED = (
    "EXISTS (SELECT 1 FROM decisions_paragraph p JOIN decisions_meeting m "
    "ON m.id = p.meeting_id WHERE p.id = OLD.paragraph_id "
    "AND (m.status = 'signed' OR p.adjusted_at IS NOT NULL))"
)
MOTION_SIGNED = (
    "EXISTS (SELECT 1 FROM decisions_motion mo JOIN decisions_paragraph p "
    "ON p.id = mo.paragraph_id JOIN decisions_meeting m ON m.id = p.meeting_id "
    "WHERE mo.id = OLD.motion_id AND (m.status = 'signed' OR p.adjusted_at IS NOT NULL))"
)
RESERVATION_SIGNED = (
    "EXISTS (SELECT 1 FROM decisions_reservation r JOIN decisions_paragraph p "
    "ON p.id = r.paragraph_id JOIN decisions_meeting m ON m.id = p.meeting_id "
    "WHERE r.id = OLD.reservation_id AND (m.status = 'signed' OR p.adjusted_at IS NOT NULL))"
)

AGENDA_ITEM_SIGNED = (
    "EXISTS (SELECT 1 FROM decisions_agendaitem a JOIN decisions_meeting m "
    "ON m.id = a.meeting_id WHERE a.id = OLD.agendaitem_id AND m.status = 'signed')"
)


# The transition tables of ``statement_triggers``: the statement's old and new rows.
OLD_ROWS, NEW_ROWS = "old_rows", "new_rows"


def statement_triggers(name: str, func) -> list:
    """AFTER INSERT, UPDATE and DELETE triggers, once per statement, that see the
    statement's rows as transition tables (maintained sums and counts: the changes are
    added up per key, and each key's row written once). ``func(event, tables)`` gives the
    body of the trigger named ``<name>_<event>``; ``tables`` is ``[(table, sign)]``: the
    new rows count positively ("") and the old ones negatively ("-")."""
    events = (
        ("insert", pgtrigger.Insert, pgtrigger.Referencing(new=NEW_ROWS), [(NEW_ROWS, "")]),
        (
            "update",
            pgtrigger.Update,
            pgtrigger.Referencing(old=OLD_ROWS, new=NEW_ROWS),
            [(NEW_ROWS, ""), (OLD_ROWS, "-")],
        ),
        ("delete", pgtrigger.Delete, pgtrigger.Referencing(old=OLD_ROWS), [(OLD_ROWS, "-")]),
    )
    return [
        pgtrigger.Trigger(
            name=f"{name}_{event}",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=referencing,
            func=func(event, tables),
        )
        for event, operation, referencing, tables in events
    ]
