"""The workflow's tasks in Mina uppgifter (core.worklist): cases where the user can fire
the next step (officers: their own cases; secretaries: the steps they record outside a
§, e.g. the forum's recommendation), due by the step's handling-time target."""

import datetime
from functools import cache

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core.roles import Role, has_role
from core.worklist import NOTHING, Pending, Task
from decisions.workflow import deadlines, permissions, selectors, services
from decisions.workflow.models import Assessment
from projects.models import CLOSED_STATES, Case, CaseKind, CaseState

# A project idea the AU assessed waits for the step of the route the AU proposed: the
# officer sends it to the forum, or the delegate decides it (``assessment_proposes_*``; the
# delegate's task: ``financing.worklist``, which weighs the delegationsordning).
ASSESSED = (CaseKind.PROJECT_IDEA, CaseState.AU_ASSESSED)


@cache
def _steps(role_transitions: frozenset[str]) -> dict[tuple[str, str], str | Promise]:
    """{(kind, state): label of the first next step of that role}."""
    out: dict[tuple[str, str], str | Promise] = {}
    for kind in CaseKind.values:
        for state in CaseState.values:
            names = [
                n
                for n in deadlines.next_steps(kind, state)
                if n in role_transitions and n not in services.DECIDED_IN_PARAGRAPH
            ]
            if names:
                # the lazy label: translated when a task is made, in that request's language
                out[(kind, state)] = services.transitions()[names[0]].label
    return out


def case_tasks(cases, steps, known, prefix: str, kind: str = "") -> list[Task]:
    """A task per case, named by its step in ``steps`` and due by the step's target."""
    out = []
    for case in cases:
        timing = deadlines.case_timing(case, known)
        label = steps[(case.kind, case.state)]
        out.append(
            Task(
                key=f"{prefix}:{case.pk}:{case.state}",
                kind=kind or _("Ärende att driva vidare"),
                title=case.title,  # shortened after masking (core.worklist)
                title_suffix=f" – {label}",
                url=case.get_absolute_url(),
                due=timing.step_due,
                since=case.state_since,
                reference=case.dnr,
                case_id=case.pk,
            )
        )
    return out


# What a task reads of its case (``case_tasks``, ``deadlines.case_timing``): not its
# texts or search index.
CASE_FIELDS = (
    "title",
    "kind",
    "state",
    "state_since",
    "year",
    "number",
    "received_on",
    "decided_on",
)


def _in(steps) -> Q:
    """Cases in any of ``steps``' (kind, state) pairs: one ``state IN (...)`` per kind
    (two conditions, not one pair each: less to build and to plan on every request)."""
    by_kind: dict[str, list[str]] = {}
    for kind, state in steps:
        by_kind.setdefault(kind, []).append(state)
    query = Q(pk__in=[])
    for kind, states in sorted(by_kind.items()):
        query |= Q(kind=kind, state__in=sorted(states))
    return query


def _cases(steps, **filters):
    cases = Case.objects.filter(_in(steps), **filters)
    if ASSESSED in steps:  # the officer's step there is the forum, not the delegate's decision
        cases = cases.annotate(proposed_route=selectors.proposed_route()).exclude(
            kind=ASSESSED[0], state=ASSESSED[1], proposed_route=Assessment.Route.DELEGATION
        )
    return cases.only(*CASE_FIELDS).order_by("state_since")


def _longest_waiting(steps, most: int) -> list:
    """For each of ``steps``' (kind, state) pairs, its ``most`` + 1 cases that have waited
    longest (one query each, read in the same round trip): within a pair the step's due
    date follows ``state_since``, so together they hold the ``most`` due first of all."""
    return [
        Case.objects.filter(kind=kind, state=state)
        .only(*CASE_FIELDS)
        .order_by("state_since", "pk")[: most + 1]
        for kind, state in sorted(steps)
    ]


def _more_task(steps, hidden: list[Task], most: int) -> Task:
    """Said when a step has more cases than it shows: where they are. ``hidden``: each such
    step's first case not shown; the line takes the due date of the one due first, so it
    stands where the first case left out would have stood."""
    from django.urls import reverse

    labels = sorted({task.title_suffix.removeprefix(" – ") for task in hidden})
    first = min(hidden, key=lambda task: (task.due is None, task.due, task.since))
    return Task(
        key="secretary:more",
        kind=_("Ärende att driva vidare"),
        title=_("Fler än %(most)s väntar på %(steps)s: alla finns i arbetsköerna")
        % {"steps": ", ".join(labels), "most": most},
        url=reverse("decisions:workflow_queues"),
        due=first.due,
        since=first.since,
    )


def tasks(user, today: datetime.date, most: int | None = None) -> Pending:
    """``most``: at most so many cases per step for the secretaries (those due first), whose
    steps take every case of the register in them (at 200 000 cases, thousands: the page
    took 3 s and 3.7 MB); ``None`` (the reminders) every one."""
    parts = []  # (cases, steps, key prefix)
    if has_role(user, Role.OFFICER):
        steps = _steps(permissions.OFFICER_TRANSITIONS)
        parts.append((_cases(steps, officer=user), steps, "case"))
    shared: list = []  # per secretary step, its longest waiting cases (``most`` given)
    secretary_steps = _steps(permissions.SECRETARY_TRANSITIONS - permissions.OFFICER_TRANSITIONS)
    if has_role(user, Role.SECRETARY):
        if most is None:
            parts.append((_cases(secretary_steps), secretary_steps, "secretary"))
        else:
            shared = _longest_waiting(secretary_steps, most)
    if not parts and not shared:
        return NOTHING
    targets = deadlines.targets_queryset()

    def build() -> list[Task]:
        known = deadlines.targets(targets)
        out = [
            task
            for cases, steps, prefix in parts
            for task in case_tasks(cases, steps, known, prefix)
        ]
        if shared:
            per_step = [list(cases) for cases in shared]
            rows = [case for cases in per_step for case in cases[:most]]
            out += case_tasks(rows, secretary_steps, known, "secretary")
            hidden = [cases[most] for cases in per_step if len(cases) > most]
            if hidden:
                first_hidden = case_tasks(hidden, secretary_steps, known, "secretary")
                out.append(_more_task(secretary_steps, first_hidden, most))
        return out

    return Pending(build, (targets, *(part[0] for part in parts), *shared))


def party_tasks(user, today: datetime.date, most: int | None = None) -> Pending:
    """What the officer's cases owe their parties (förvaltningslagen): requests for a
    decision still to answer (12 §: the case decided or the request refused, due four
    weeks after it came in), and material communicated (25 §) whose answer has not come,
    due on the last day to answer: the case is decided after it."""
    from decisions.workflow.delays import is_premature
    from decisions.workflow.models import Communication, DecisionDemand

    if not has_role(user, Role.OFFICER):
        return NOTHING
    undecided = {"case__officer": user, "case__decided_on__isnull": True}
    case_fields = tuple(f"case__{name}" for name in CASE_FIELDS)
    open_demands = (
        DecisionDemand.objects.filter(refused_on__isnull=True, **undecided)
        .exclude(case__state__in=sorted(CLOSED_STATES))
        .select_related("case")
        .only("pk", "due_on", "received_on", *case_fields)
        .order_by("due_on", "pk")
    )
    unanswered = (
        Communication.objects.filter(replied_on__isnull=True, **undecided)
        .exclude(case__state__in=sorted(CLOSED_STATES))
        .select_related("case")
        .only("pk", "reply_by", "sent_on", *case_fields)
        .order_by("reply_by", "pk")
    )

    def build() -> list[Task]:
        out = [
            Task(
                key=f"decision-demand:{d.pk}",
                kind=_("Begäran om avgörande att besvara"),
                title=d.case.title,  # shortened after masking (core.worklist)
                title_suffix=" – "
                + _("avgör ärendet eller avslå begäran (12 § förvaltningslagen)"),
                url=f"{d.case.get_absolute_url()}#parten",
                due=d.due_on,
                reference=d.case.dnr,
                case_id=d.case_id,
            )
            for d in open_demands
            if not is_premature(d, d.case)  # no four weeks bind it
        ]
        out += [
            Task(
                key=f"communication:{c.pk}",
                kind=_("Kommunicering som väntar på svar"),
                title=c.case.title,
                title_suffix=" – "
                + _("registrera svaret, eller besluta när svarstiden har gått ut"),
                url=f"{c.case.get_absolute_url()}#parten",
                due=c.reply_by,
                reference=c.case.dnr,
                case_id=c.case_id,
            )
            for c in unanswered
        ]
        return out

    return Pending(build, (open_demands, unanswered))
