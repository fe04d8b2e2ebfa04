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


# The case list's sort keys (``Case.sort_applicant``, ``sort_officer``, ``sort_requested``):
# copies onto the case of what a row shows from its project, applicant and officer, so a
# sort by them reads an index on the case (at 200 000 cases, 110-230 ms to sort every
# case by a joined column; an index cannot serve an order on the nullable side of a
# LEFT JOIN). A case takes them when it is written with its project or officer (BEFORE,
# per row: two look-ups by key); a project, organisation or user that changes what they
# show writes them onto its cases (AFTER, per row, only when the shown value changes).


# A user as the list shows them: ``get_full_name()`` or, without a name, the username.
def officer_name(user: str) -> str:
    return (
        f"COALESCE(NULLIF(TRIM({user}.first_name || ' ' || {user}.last_name), ''), {user}.username)"
    )


def case_sort_key_triggers() -> list:
    """The trigger of ``Case`` that gives a case its sort keys."""
    return [
        pgtrigger.Trigger(
            name="case_sort_keys",
            when=pgtrigger.Before,
            operation=pgtrigger.Insert | pgtrigger.UpdateOf("project_id", "officer_id"),
            func=f"""
                SELECT o.name, p.requested_amount INTO NEW.sort_applicant, NEW.sort_requested
                FROM projects_project p
                LEFT JOIN projects_organisation o ON o.id = p.applicant_id
                WHERE p.id = NEW.project_id;
                SELECT {officer_name("u")} INTO NEW.sort_officer
                FROM auth_user u WHERE u.id = NEW.officer_id;
                RETURN NEW;
            """,
        )
    ]


def _onto_cases(name: str, columns: tuple[str, ...], condition, update: str) -> list:
    """An AFTER UPDATE OF ``columns`` trigger, per row when ``condition``, that runs
    ``update`` (an UPDATE of ``projects_case`` from ``NEW``)."""
    return [
        pgtrigger.Trigger(
            name=name,
            when=pgtrigger.After,
            operation=pgtrigger.UpdateOf(*columns),
            condition=condition,
            func=f"{update}; RETURN NULL;",
        )
    ]


def project_sort_key_triggers() -> list:
    """The trigger of ``Project``: a new applicant or requested amount onto its cases."""
    return _onto_cases(
        "project_case_sort_keys",
        ("applicant_id", "requested_amount"),
        pgtrigger.AnyChange("applicant", "requested_amount"),
        "UPDATE projects_case SET sort_applicant = "
        "(SELECT name FROM projects_organisation WHERE id = NEW.applicant_id), "
        "sort_requested = NEW.requested_amount WHERE project_id = NEW.id",
    )


def organisation_sort_key_triggers() -> list:
    """The trigger of ``Organisation``: a new name onto the cases it applied in."""
    return _onto_cases(
        "organisation_case_sort_keys",
        ("name",),
        pgtrigger.AnyChange("name"),
        "UPDATE projects_case c SET sort_applicant = NEW.name FROM projects_project p "
        "WHERE p.applicant_id = NEW.id AND c.project_id = p.id",
    )


def officer_sort_key_triggers() -> list:
    """The trigger of the user model (on a proxy): a new name onto the user's cases."""
    return _onto_cases(
        "officer_case_sort_keys",
        ("first_name", "last_name", "username"),
        pgtrigger.Condition(f"{officer_name('OLD')} IS DISTINCT FROM {officer_name('NEW')}"),
        f"UPDATE projects_case SET sort_officer = {officer_name('NEW')} WHERE officer_id = NEW.id",
    )
