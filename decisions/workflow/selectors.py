"""Reads of the decision workflow: work queues, the transition log, the delegation
register, the anchoring cross-check and what the case page shows."""

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import batch
from decisions.workflow.constants import BodyCode
from decisions.workflow.models import (
    AnchoringContact,
    Assessment,
    DecisionProposal,
    DelegationDecision,
    ForumRecommendation,
    TransitionLog,
)
from projects import selectors as project_selectors
from projects.models import Case, CaseKind, CaseState, CaseStateCount

S = CaseState


def proposed_route():
    """An expression: the route a case's latest AU assessment proposes ("" without one),
    for the cases waiting for the step of that route (Mina uppgifter)."""
    latest = (
        Assessment.objects.filter(case=OuterRef("pk"))
        .order_by("-assessed_at", "-pk")
        .values("proposed_route")[:1]
    )
    return Coalesce(Subquery(latest), Value(""))


# The transitions after which a projektidé counts as anchored in utvecklingsrådet: the
# council approved it, or referred it upwards and the board approved it.
COUNCIL_PASSED_TRANSITIONS = ("council_approve", "board_approve")

ANCHORING_REJECTION_REASON = _(
    "Projektet har inte behandlats av utvecklingsrådet och är således inte prioriterat "
    "eller förankrat."
)


# --- Work queues -----------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise
    description: str | Promise
    condition: Q
    kinds: tuple = (CaseKind.PROJECT_IDEA, CaseKind.CO_FINANCING)


QUEUES = (
    Queue(
        "au",
        _("Att bereda i AU"),
        _("Registrerade projektidéer och idéer under beredning i arbetsutskottet."),
        Q(kind=CaseKind.PROJECT_IDEA, state__in=[S.REGISTERED, S.AU_PREPARATION]),
        (CaseKind.PROJECT_IDEA,),
    ),
    Queue(
        "assessed",
        _("Bedömda av AU"),
        _("Väntar på beslut på delegation eller på att skickas till utvecklingsforum."),
        Q(kind=CaseKind.PROJECT_IDEA, state=S.AU_ASSESSED),
        (CaseKind.PROJECT_IDEA,),
    ),
    Queue(
        "forum",
        _("Till utvecklingsforum"),
        _("Väntar på utvecklingsforums rekommendation."),
        Q(state=S.AT_FORUM),
        (CaseKind.PROJECT_IDEA,),
    ),
    Queue(
        "council",
        _("Till utvecklingsrådet"),
        _("Väntar på utvecklingsrådets beslut."),
        Q(state=S.AT_COUNCIL),
        (CaseKind.PROJECT_IDEA,),
    ),
    Queue(
        "management",
        _("Till ledningsgrupp/regionstyrelse"),
        _("Ärenden som kräver regionövergripande beslut."),
        Q(state__in=[S.AT_MANAGEMENT_GROUP, S.AT_BOARD]),
        (CaseKind.PROJECT_IDEA,),
    ),
    Queue(
        "run",
        _("Klara för RUN"),
        _("Medfinansieringsärenden med färdigt beslutsförslag till regionala utvecklingsnämnden."),
        Q(state=S.READY_FOR_RUN),
        (CaseKind.CO_FINANCING,),
    ),
)
QUEUES_BY_KEY = {queue.key: queue for queue in QUEUES}


def queue_counts(rows=None) -> dict[str, int]:
    """{queue key: number of cases}, in one query (or none, given the rows of
    ``queue_counts_queryset``)."""
    row: dict[str, int] = next(iter(queue_counts_queryset() if rows is None else rows), {})
    return {queue.key: row.get(queue.key) or 0 for queue in QUEUES}  # a sum of none: None


def queue_counts_queryset() -> QuerySet:
    """``queue_counts`` as a queryset of one row (a dict), to be read with others
    (``core.batch``)."""
    in_a_queue = reduce(operator.or_, (queue.condition for queue in QUEUES))
    if connection.vendor == "postgresql":
        # The counts per (kind, state) the triggers keep (``projects.CaseStateCount``): a
        # few rows, whatever the register's size. Counting the cases in the queues read
        # 60 000 index entries on every start page at 200 000 cases (70 ms).
        return batch.aggregate_queryset(
            CaseStateCount.objects.filter(in_a_queue),
            **{queue.key: Sum("count", filter=queue.condition) for queue in QUEUES},
        )
    return batch.aggregate_queryset(
        Case.objects.filter(in_a_queue),
        **{queue.key: Count("state", filter=queue.condition) for queue in QUEUES},
    )


# A queue's cases oldest first: the order they should be handled in.
QUEUE_ORDER = ("registered_on", "year", "number")


def queue_cases(key: str) -> QuerySet[Case]:
    """The cases of one queue, oldest first (``QUEUE_ORDER``)."""
    queue = QUEUES_BY_KEY[key]
    return project_selectors.case_list_queryset().filter(queue.condition).order_by(*QUEUE_ORDER)


_BODY_CONDITIONS: dict[str, Q] = {
    BodyCode.AU: Q(kind=CaseKind.PROJECT_IDEA, state__in=[S.REGISTERED, S.AU_PREPARATION]),
    BodyCode.FORUM: Q(state=S.AT_FORUM),
    BodyCode.COUNCIL: Q(state=S.AT_COUNCIL),
    BodyCode.MANAGEMENT_GROUP: Q(state=S.AT_MANAGEMENT_GROUP),
    BodyCode.BOARD: Q(state=S.AT_BOARD),
    BodyCode.RUN: Q(state=S.READY_FOR_RUN),
}


def cases_ready_for(body_code: str) -> QuerySet[Case]:
    """Cases waiting for a meeting of ``body_code`` (``decisions.workflow.constants.BodyCode``).

    Bodies without a workflow step (regionutvecklingsutskottet) get an empty queryset.
    """
    condition = _BODY_CONDITIONS.get(body_code)
    if condition is None:
        return Case.objects.none()
    return (
        Case.objects.filter(condition)
        .select_related("project__applicant", "project__owner", "officer")
        .order_by("registered_on", "year", "number")
    )


# --- Transition log ----------------------------------------------------------------------


def transition_log_for(case) -> QuerySet[TransitionLog]:
    return (
        TransitionLog.objects.filter(case_id=case.pk)
        .select_related("user")
        .order_by("timestamp", "pk")
    )


# --- Delegation register -------------------------------------------------------------


def delegation_register(*, reported: bool | None = None) -> QuerySet[DelegationDecision]:
    qs = DelegationDecision.objects.select_related("case__project", "decided_by").order_by(
        "-decided_on", "-pk"
    )
    if reported is True:
        qs = qs.filter(reported_on__isnull=False)
    elif reported is False:
        qs = qs.filter(reported_on__isnull=True)
    return qs


# --- Anchoring cross-check (seed 001 § 34) ------------------------------------------


def _council_passed():
    return Exists(
        TransitionLog.objects.filter(
            case_id=OuterRef("pk"), transition__in=COUNCIL_PASSED_TRANSITIONS
        )
    )


@dataclass
class AnchoringStatus:
    """Whether a co-financing case needs, and has, anchoring in utvecklingsrådet."""

    required: bool
    anchored: bool
    idea_cases: list = field(default_factory=list)  # projektidéer of the same project

    @property
    def warning(self) -> bool:
        return self.required and not self.anchored


def linked_cases(case) -> list[Case]:
    """The other cases of the same project, with ``council_passed`` annotated."""
    return list(
        Case.objects.filter(project_id=case.project_id)
        .exclude(pk=case.pk)
        .annotate(council_passed=_council_passed())
        .order_by("year", "number")
    )


def anchoring_status(case, linked: list | None = None) -> AnchoringStatus:
    if linked is None:
        linked = linked_cases(case)
    ideas = [other for other in linked if other.kind == CaseKind.PROJECT_IDEA]
    required = case.kind == CaseKind.CO_FINANCING and case.project.involves_healthcare
    anchored = any(idea.council_passed for idea in ideas)  # type: ignore[union-attr]  # linked_cases annotates it
    return AnchoringStatus(required=required, anchored=anchored, idea_cases=ideas)


# --- What the case page shows --------------------------------------------------------


def case_workflow_records_querysets(case) -> dict[str, QuerySet]:
    """{name: queryset} of the records ``case_workflow_records`` shows."""
    if case.kind == CaseKind.PROJECT_IDEA:
        return {
            "workflow.assessments": Assessment.objects.filter(case_id=case.pk)
            .select_related("assessed_by")
            .order_by("-assessed_at", "-pk"),
            "workflow.anchoring_contacts": AnchoringContact.objects.filter(case_id=case.pk)
            .select_related("recorded_by")
            .order_by("contacted_on", "pk"),
            "workflow.forum_recommendations": ForumRecommendation.objects.filter(case_id=case.pk)
            .select_related("recorded_by")
            .order_by("-recommended_on", "-pk"),
            "workflow.delegation_decisions": DelegationDecision.objects.filter(case_id=case.pk)
            .select_related("decided_by")
            .order_by("-decided_on", "-pk"),
        }
    return {
        "workflow.proposal": DecisionProposal.objects.filter(case_id=case.pk)
        .select_related("updated_by")
        .order_by("pk")[:1]
    }


def case_workflow_records(case) -> dict:
    """Assessments, anchoring contacts, forum recommendations, proposal, delegation decisions
    (one query; none when the case page has read them with its other rows)."""
    records: dict[str, Any] = {
        "assessments": [],
        "anchoring_contacts": [],
        "forum_recommendations": [],
        "delegation_decisions": [],
        "proposal": None,
    }
    querysets = case_workflow_records_querysets(case)
    if not all(batch.is_loaded(case, name) for name in querysets):
        batch.fetch_together(*querysets.values(), prepare=True)
    rows = {
        name[len("workflow.") :]: batch.loaded(case, name, qs) for name, qs in querysets.items()
    }
    if case.kind == CaseKind.PROJECT_IDEA:
        records.update(rows)
    else:
        records["proposal"] = next(iter(rows["proposal"]), None)
    return records
