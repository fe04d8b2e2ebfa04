"""Handling times (förvaltningslagen 9 §): each case's age against the targets of
``HandlingTarget``, whether it is late, and who acts next and since when.

``who_acts_next`` reads the machine: the transitions of the case's route from its state,
and which role fires them (``permissions``); a body's decision is recorded by the
secretary in the body's §; withdrawing or returning a case is not "the next step".
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from core.workdays import add_working_days, working_days_between
from decisions.workflow import bodies, permissions, services
from decisions.workflow.models import HandlingTarget
from projects.models import CLOSED_STATES

NOT_NEXT_STEPS = frozenset({"withdraw", "return_to_preparation", "close", "refer_to_body"})


def targets_queryset():
    return HandlingTarget.objects.filter(active=True).only(
        "case_kind", "state", "days", "working_days"
    )


@dataclass(frozen=True)
class Target:
    days: int
    working_days: bool  # counted in working days (``core.workdays``), else calendar days

    def add_to(self, start: datetime.date) -> datetime.date:
        if self.working_days:
            return add_working_days(start, self.days)
        return start + datetime.timedelta(days=self.days)


def targets(rows=None) -> dict[tuple[str, str], Target]:
    """{(case kind, state or ""): target} of the active targets (one query, or none given
    the rows of ``targets_queryset``)."""
    return {
        (t.case_kind, t.state): Target(t.days, t.working_days)
        for t in (targets_queryset() if rows is None else rows)
    }


@dataclass(frozen=True)
class CaseTiming:
    age_days: int  # since receipt, in the whole case's target's unit
    total_days: int | None  # the whole case's target
    total_late: bool
    since: datetime.datetime
    step_days: int | None  # this step's target
    step_due: datetime.date | None
    step_late: bool
    # the age and the whole case's target in working days (the target's ``working_days``)
    working_days: bool = False
    # this step's target in working days
    step_working_days: bool = False

    @property
    def late(self) -> bool:
        return self.total_late or self.step_late


def case_timing(case, known: dict | None = None, today: datetime.date | None = None):
    """The case's age and due dates, each counted as its target states it: in calendar days
    or in working days (weekends, public holidays and midsommar-, jul- and nyårsafton not
    counted: ``core.workdays``). Without a target for the whole case, the age is in
    calendar days."""
    known = targets() if known is None else known
    today = today or timezone.localdate()
    total = known.get((case.kind, ""))
    working = bool(total and total.working_days)
    if working:
        age = working_days_between(case.received_on, today)
    else:
        age = (today - case.received_on).days
    is_open = case.state not in CLOSED_STATES
    total_late = bool(total and is_open and case.decided_on is None and age > total.days)
    step = known.get((case.kind, case.state)) if is_open else None
    step_due = step.add_to(timezone.localdate(case.state_since)) if step else None
    return CaseTiming(
        age_days=age,
        total_days=total.days if total else None,
        total_late=total_late,
        since=case.state_since,
        step_days=step.days if step else None,
        step_due=step_due,
        step_late=bool(step_due and step_due < today),
        working_days=working,
        step_working_days=bool(step and step.working_days),
    )


def next_steps(kind: str, state: str) -> list[str]:
    """The transitions of the route of ``kind`` from ``state`` that move the case on."""
    return [
        name
        for name, info in services.transitions().items()
        if state in info.sources and kind in info.kinds and name not in NOT_NEXT_STEPS
    ]


def who_acts_next(case, body_names: dict[str, str] | None = None) -> str:
    """ "the case officer Anna Lindberg", "utvecklingsrådet (the secretary records the
    decision in its §)", ... or "" for a closed case."""
    if case.state in CLOSED_STATES:
        return ""
    names = next_steps(case.kind, case.state)
    if not names:
        return ""
    parts: list[str] = []
    codes = {services.DECIDED_IN_PARAGRAPH[n] for n in names if n in services.DECIDED_IN_PARAGRAPH}
    if codes and body_names is None:
        body_names = bodies.names()
    deciding = sorted(bodies.label(code, body_names) for code in codes)
    for body in deciding:
        parts.append(
            _("%(body)s (sekreteraren registrerar beslutet i paragrafen)") % {"body": body}
        )
    if any(n in permissions.OFFICER_TRANSITIONS for n in names):
        officer = case.officer
        parts.append(
            _("handläggaren %(name)s") % {"name": officer.get_full_name() or officer.get_username()}
        )
    if any(
        n in permissions.SECRETARY_TRANSITIONS and n not in services.DECIDED_IN_PARAGRAPH
        for n in names
    ):
        parts.append(_("nämndsekreteraren"))
    if any(n in permissions.DELEGATION_TRANSITIONS for n in names):
        parts.append(_("delegaten (beslut på delegation)"))
    return _(" eller ").join(parts)
