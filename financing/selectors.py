"""Reads of the financing app: figures per year, category and priority, plan summaries.

Aggregation happens in SQL (grouped sums), so the number of queries of every page is
independent of the number of commitments, payments and rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.db import connections
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core import batch
from core.expressions import from_year, in_year, up_to_year
from core.money import format_amount
from decisions.workflow.models import DelegationRule
from financing.models import (
    Allocation,
    AllocationDecision,
    AllocationDimension,
    BusinessSupport,
    BusinessSupportImport,
    Commitment,
    CommitmentTotal,
    FinalReportApproval,
    FinancingPlan,
    FinancingPolicy,
    FinancingRow,
    FundingType,
    Grant,
    GrantAdjustment,
    GrantCategory,
    GrantCondition,
    GrantTerms,
    LeaderGender,
    Payment,
    Recovery,
    Release,
    Requisition,
    SupportDecision,
)
from projects.models import Case, CaseKind, CaseState, ReportPriority

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def _zero():
    return Value(ZERO, output_field=MONEY)


def share_percent(part: Decimal | None, total: Decimal | None) -> Decimal | None:
    """``part`` of ``total`` in per cent with one decimal (``Decimal("20.0")``)."""
    if part is None or not total:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- Figures ----------------------------------------------------------------------------


@dataclass
class Figures:
    """Money of one line of the dashboard (a year, a category or a priority)."""

    key: str = ""
    label: str = ""
    allocated: Decimal | None = None
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    released: Decimal = ZERO
    recovered: Decimal = ZERO
    # Per anslag year (``multi_year_figures``): committed to it by earlier years' decisions,
    # the year's commitment authority, and what its decisions bind for later years.
    earlier: Decimal = ZERO
    authority: Decimal | None = None
    bound_later: Decimal = ZERO

    @property
    def authority_left(self) -> Decimal | None:
        return None if self.authority is None else self.authority - self.bound_later

    @property
    def net_committed(self) -> Decimal:
        """Committed minus what was released back: what the decisions still bind."""
        return self.committed - self.released

    @property
    def open(self) -> Decimal:
        """Committed but neither paid nor released (open balances)."""
        return self.committed - self.paid - self.released

    @property
    def left(self) -> Decimal | None:
        """What can still be committed; ``None`` without an allocation."""
        if self.allocated is None:
            return None
        return self.allocated - self.net_committed

    @property
    def used_percent(self) -> Decimal | None:
        return share_percent(self.net_committed, self.allocated)


@dataclass
class GrantSummary:
    grant: Grant
    total: Figures
    categories: list[Figures]
    priorities: list[Figures]

    @property
    def allocated_categories(self) -> Decimal:
        return sum((f.allocated or ZERO for f in self.categories), ZERO)

    @property
    def unallocated(self) -> Decimal:
        return self.grant.amount - self.allocated_categories


# --- Totals of the commitments -------------------------------------------------------------
#
# The dashboard's sums by grant, decision year (the year of ``committed_on``), category and
# priority. On PostgreSQL they are read from ``CommitmentTotal`` (a few rows, kept exact by
# triggers: ``financing.triggers``); elsewhere (SQLite, the embedded demo: no triggers)
# computed from the raw rows. Both give rows of the same shape: the keys grouped by and
# ``sum_committed``, ``sum_paid``, ``sum_released``, ``sum_recovered``.

TOTAL_KEYS = ("grant_id", "decision_year", "category", "priority")
TOTAL_SUMS = ("committed", "paid", "released", "recovered")

# The raw tables behind the totals: the model, its path to the commitment, the sum it makes.
_TOTAL_SOURCES = (
    (Commitment, "", "committed"),
    (Payment, "commitment__", "paid"),
    (Release, "commitment__", "released"),
    (Recovery, "commitment__", "recovered"),
)


@dataclass
class Totals:
    """The four sums of one key (or of several keys added up)."""

    committed: Decimal = ZERO
    paid: Decimal = ZERO
    released: Decimal = ZERO
    recovered: Decimal = ZERO


def totals_maintained(using: str = "default") -> bool:
    """Whether ``CommitmentTotal`` is kept by triggers on this database (PostgreSQL)."""
    return connections[using].vendor == "postgresql"


def commitment_totals(*group_by: str, grant: Grant | None = None) -> tuple[QuerySet, ...]:
    """The querysets whose rows, added up by ``group_by`` (names of ``TOTAL_KEYS``), are
    the commitments' sums (``totals_by``), of ``grant`` or of every grant: one queryset
    over ``CommitmentTotal`` where triggers keep it, else one per raw table (its own sum,
    the others zero)."""
    sums = {f"sum_{name}": name for name in TOTAL_SUMS}
    if totals_maintained():
        rows = CommitmentTotal.objects.all()
        if grant is not None:
            rows = rows.filter(grant=grant)
        return (
            rows.values(*group_by)
            .annotate(**{alias: Sum(name) for alias, name in sums.items()})
            .order_by(),
        )
    querysets = []
    for model, path, made in _TOTAL_SOURCES:
        raw: QuerySet = model.objects.all()
        if grant is not None:
            raw = raw.filter(**{f"{path}grant": grant})
        keys = {
            "grant_id": F(f"{path}grant_id"),
            "decision_year": ExtractYear(f"{path}committed_on"),
            "category": F(f"{path}category"),
            "priority": F(f"{path}priority"),
        }
        # A commitment's own columns are named as they are; other keys are expressions.
        names = [key for key in group_by if not path and key != "decision_year"]
        expressions = {key: keys[key] for key in group_by if key not in names}
        querysets.append(
            raw.values(*names, **expressions)
            .annotate(
                **{
                    alias: Sum("amount") if name == made else _zero()
                    for alias, name in sums.items()
                }
            )
            .order_by()
        )
    return tuple(querysets)


def totals_by(querysets, *group_by: str) -> dict[tuple, Totals]:
    """The rows of ``commitment_totals(*group_by, ...)`` added up by their key."""
    totals: dict[tuple, Totals] = defaultdict(Totals)
    for rows in querysets:
        for row in rows:
            total = totals[tuple(row[key] for key in group_by)]
            for name in TOTAL_SUMS:
                setattr(total, name, getattr(total, name) + (row[f"sum_{name}"] or ZERO))
    return dict(totals)


# --- Figures of a year and of every year ---------------------------------------------------


def grant_summary(grant: Grant) -> GrantSummary:
    """The year's figures in total, per category and per RUS priority (one query:
    the allocations and the sums together, ``core.batch``)."""
    return batch.resolve([grant_summary_pending(grant)])[0]


_BY_KIND = ("category", "priority")


def grant_summary_pending(grant: Grant) -> batch.Pending[GrantSummary]:
    """``grant_summary`` to be read with other querysets (``core.batch.resolve``)."""
    querysets = (grant.allocations.all(), *commitment_totals(*_BY_KIND, grant=grant))
    return batch.Pending(lambda: _grant_summary(grant, querysets), querysets)


def _grant_summary(grant: Grant, querysets) -> GrantSummary:
    allocations = {(a.dimension, a.key): a.amount for a in querysets[0]}
    sums = totals_by(querysets[1:], *_BY_KIND)

    def figures(index: int, key: str, label: str | Promise, dimension: str) -> Figures:
        def total(name: str) -> Decimal:
            return sum((getattr(t, name) for k, t in sums.items() if k[index] == key), ZERO)

        return Figures(
            key=key,
            label=str(label),
            allocated=allocations.get((dimension, key)),
            committed=total("committed"),
            paid=total("paid"),
            released=total("released"),
        )

    categories = [
        figures(0, key, label, AllocationDimension.CATEGORY) for key, label in GrantCategory.choices
    ]
    priorities = [
        figures(1, key, label, AllocationDimension.PRIORITY)
        for key, label in ReportPriority.choices
    ]
    total = Figures(
        key="total",
        label=_("Anslaget totalt"),
        allocated=grant.amount,
        committed=sum((t.committed for t in sums.values()), ZERO),
        paid=sum((t.paid for t in sums.values()), ZERO),
        released=sum((t.released for t in sums.values()), ZERO),
    )
    return GrantSummary(grant=grant, total=total, categories=categories, priorities=priorities)


def multi_year_figures() -> list[Figures]:
    """Each anslag year: its means, what is committed to it (and how much of that by
    earlier years' decisions), paid, released, left; its commitment authority and what
    its decisions bind for the coming years (the forecast), recovered. One query (the
    grants and the sums by grant and decision year together, ``core.batch``), any number
    of years."""
    return batch.resolve([multi_year_pending()])[0]


_BY_YEARS = ("grant_id", "decision_year")


def multi_year_pending() -> batch.Pending[list[Figures]]:
    """``multi_year_figures`` to be read with other querysets (``core.batch.resolve``)."""
    # On PostgreSQL the maintained sums (a few rows per grant), not every commitment.
    querysets = (Grant.objects.order_by("year"), *commitment_totals(*_BY_YEARS))
    return batch.Pending(lambda: _multi_year(querysets), querysets)


def _multi_year(querysets) -> list[Figures]:
    grants = list(querysets[0])
    year_of = {g.pk: g.year for g in grants}
    by_grant: dict[int, Totals] = defaultdict(Totals)
    # Net commitments by (anslag year, decision year).
    net: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for (grant_id, decided), sums in totals_by(querysets[1:], *_BY_YEARS).items():
        total = by_grant[grant_id]
        for name in TOTAL_SUMS:
            setattr(total, name, getattr(total, name) + getattr(sums, name))
        net[year_of[grant_id], decided] += sums.committed - sums.released

    def earlier(year: int) -> Decimal:
        return sum((a for (g, d), a in net.items() if g == year and d < year), ZERO)

    def bound_later(year: int) -> Decimal:
        return sum((a for (g, d), a in net.items() if g > year and d <= year), ZERO)

    return [
        Figures(
            key=str(g.year),
            label=str(g.year),
            allocated=g.amount,
            committed=by_grant[g.pk].committed,
            paid=by_grant[g.pk].paid,
            released=by_grant[g.pk].released,
            recovered=by_grant[g.pk].recovered,
            earlier=earlier(g.year),
            authority=g.commitment_authority,
            bound_later=bound_later(g.year),
        )
        for g in grants
    ]


def grant_list() -> QuerySet[Grant]:
    return Grant.objects.order_by("-year")


def grant_for_year(year: int) -> Grant:
    return Grant.objects.prefetch_related("allocations").get(year=year)


def default_year(grants: list[Grant]) -> int | None:
    """The current year's anslag if registered, else the latest one."""
    years = [g.year for g in grants]
    if not years:
        return None
    today = timezone.localdate().year
    return today if today in years else max(years)


@dataclass
class Room:
    """What can still be committed in a year (and in one category of it)."""

    year: int
    grant: Grant | None
    left_total: Decimal = ZERO
    allocation: Decimal | None = None
    left_category: Decimal | None = None

    @property
    def left(self) -> Decimal:
        if self.grant is None:
            return ZERO
        if self.left_category is None:
            return self.left_total
        return min(self.left_total, self.left_category)


def _net_querysets(grant: Grant, category: str | None = None) -> tuple[QuerySet, QuerySet]:
    """The sums committed and released in ``grant`` (one category of it), as one-row
    querysets to be read together (``core.batch``)."""
    commitments = Commitment.objects.filter(grant=grant)
    releases = Release.objects.filter(commitment__grant=grant)
    if category:
        commitments = commitments.filter(category=category)
        releases = releases.filter(commitment__category=category)
    return (
        batch.aggregate_queryset(commitments, s=Sum("amount")),
        batch.aggregate_queryset(releases, s=Sum("amount")),
    )


def _net(committed: QuerySet, released: QuerySet) -> Decimal:
    return batch.aggregated(committed, ZERO)["s"] - batch.aggregated(released, ZERO)["s"]


def _net_committed(grant: Grant, category: str | None = None) -> Decimal:
    """Committed in ``grant`` (one category of it) net of releases (one query)."""
    sums = _net_querysets(grant, category)
    batch.fetch_together(*sums, prepare=True)
    return _net(*sums)


def committed_after(year: int) -> Decimal:
    """What decisions taken up to ``year`` bind for the years after it (net of releases):
    the use of ``year``'s commitment authority (bemyndiganderam)."""
    commitments = Commitment.objects.filter(up_to_year("committed_on", year), grant__year__gt=year)
    committed = commitments.aggregate(s=Sum("amount"))["s"] or ZERO
    released = (
        Release.objects.filter(commitment__in=commitments).aggregate(s=Sum("amount"))["s"] or ZERO
    )
    return committed - released


def grant_room(grant: Grant | None, category: str, *, year: int | None = None) -> Room:
    """Room in ``grant`` for ``category``: the category allocation, capped by the anslag
    (one query)."""
    if grant is None:
        return Room(year=year or 0, grant=None)
    total = _net_querysets(grant)
    allocation = Allocation.objects.filter(
        grant=grant, dimension=AllocationDimension.CATEGORY, key=category
    ).values_list("amount", flat=True)[:1]
    in_category = _net_querysets(grant, category)
    batch.fetch_together(*total, allocation, *in_category, prepare=True)
    room = Room(year=grant.year, grant=grant, left_total=grant.amount - _net(*total))
    if allocation:
        room.allocation = allocation[0]
        room.left_category = allocation[0] - _net(*in_category)
    return room


# --- Commitments ----------------------------------------------------------------------


def commitments_with_balances() -> QuerySet[Commitment]:
    """Commitments annotated with ``paid``, ``released`` and ``remaining`` (SQL subqueries)."""
    paid = (
        Payment.objects.filter(commitment=OuterRef("pk"))
        .values("commitment")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    released = (
        Release.objects.filter(commitment=OuterRef("pk"))
        .values("commitment")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        Commitment.objects.select_related("grant", "case", "recipient", "created_by")
        .annotate(
            paid=Coalesce(Subquery(paid, output_field=MONEY), _zero()),
            released=Coalesce(Subquery(released, output_field=MONEY), _zero()),
        )
        .annotate(remaining=F("amount") - F("paid") - F("released"))
    )


def commitment_list(
    *,
    year: int | None = None,
    category: str | None = None,
    priority: str | None = None,
    open_only: bool = False,
    search: str = "",
) -> QuerySet[Commitment]:
    qs = commitments_with_balances()
    if year:
        # The year's grant as a value (grant years are unique): the commitments are then
        # read in the index (grant, committed_on, id), newest first, without a sort of
        # the year's every commitment.
        qs = qs.filter(grant=Subquery(Grant.objects.filter(year=year).values("pk")))
    if category:
        qs = qs.filter(category=category)
    if priority:
        qs = qs.filter(priority=priority)
    if open_only:
        # A commitment without payments and releases is open (its amount is positive, a
        # constraint): checked against the hashed ids of the commitments that have any,
        # so the balance subqueries run only for those.
        payments, releases = Payment.objects.all(), Release.objects.all()
        if year:
            payments = payments.filter(commitment__grant__year=year)
            releases = releases.filter(commitment__grant__year=year)
        touched = Q(pk__in=payments.values("commitment_id")) | Q(
            pk__in=releases.values("commitment_id")
        )
        qs = qs.filter(~touched | Q(remaining__gt=0))
    if search:
        qs = qs.filter(
            Q(description__icontains=search)
            | Q(reference__icontains=search)
            | Q(recipient__name__icontains=search)
            | Q(case__title__icontains=search)
            | Q(case__project__title__icontains=search)
        )
    return qs.order_by("-committed_on", "-pk")


# What a row of ``financing/partials/commitment_table.html`` shows.
COMMITMENT_TABLE_FIELDS = (
    "committed_on",
    "reference",
    "description",
    "category",
    "priority",
    "amount",
    "grant__year",
    "case__year",
    "case__number",
    "case__state",  # read when a case is made (django-fsm's concurrent transitions)
    "recipient__name",
)


def commitment_table(**filters) -> QuerySet[Commitment]:
    """``commitment_list(**filters)`` with only what the commitment table shows: the
    rows the sort and the limit pass over carry no wide case or user columns."""
    return (
        commitment_list(**filters)
        .select_related(None)
        .select_related("grant", "case", "recipient")
        .only(*COMMITMENT_TABLE_FIELDS)
    )


def commitment_detail(pk: int) -> Commitment:
    return (
        commitments_with_balances()
        .select_related("case__project", "grant")
        .prefetch_related(
            Prefetch("payments", queryset=Payment.objects.select_related("created_by")),
            Prefetch("releases", queryset=Release.objects.select_related("created_by")),
        )
        .get(pk=pk)
    )


def case_commitments_queryset(case: Case) -> QuerySet[Commitment]:
    return (
        commitments_with_balances()
        .select_related(None)
        .select_related("grant")
        .filter(case=case)
        .order_by("grant__year", "pk")
    )


def case_commitments(case: Case) -> list[Commitment]:
    """The case's commitments with their balances (the case page's financing section)."""
    return list(case_commitments_queryset(case))


# --- Financing plans ------------------------------------------------------------------


@dataclass
class FinancierShare:
    financier: object
    applied: Decimal
    granted: Decimal | None
    share: Decimal | None
    funding_types: list[str] = field(default_factory=list)


@dataclass
class PlanFigures:
    """A plan's totals by what its money counts as (``FundingType`` attributes).

    ``one_one`` is every region's 1:1 money (the policy's 1:1 share counts it all);
    ``charged_to_grant`` the part this region's anslag pays (what a grant decision
    commits); ``region_total`` this region's money (its 1:1 and its own funds);
    ``own_funds`` the project owner's own contribution, kept out of 1:1 and public.
    """

    total_applied: Decimal
    total_granted: Decimal | None
    stated_total: Decimal
    region_total: Decimal
    region_1_1: Decimal
    region_own: Decimal
    in_kind: Decimal
    financiers: list[FinancierShare]
    by_type: list[tuple[str | Promise, Decimal, Decimal | None]]
    by_year: list[tuple[int | None, Decimal]]
    one_one: Decimal = ZERO
    public: Decimal = ZERO
    own_funds: Decimal = ZERO
    eu_funds: Decimal = ZERO
    eu_fund_names: list[str] = field(default_factory=list)
    # With granted amounts registered (``total_granted``): each row's granted amount, or
    # its applied one where none is registered; the budget and 1:1 as decided
    decided_total: Decimal | None = None
    decided_one_one: Decimal | None = None

    @property
    def charged_to_grant(self) -> Decimal:
        return self.region_1_1

    @property
    def difference(self) -> Decimal:
        return self.total_applied - self.stated_total

    @property
    def adds_up(self) -> bool:
        return self.difference == 0

    @property
    def region_share(self) -> Decimal | None:
        return share_percent(self.region_total, self.total_applied)

    @property
    def region_1_1_share(self) -> Decimal | None:
        return share_percent(self.region_1_1, self.total_applied)

    @property
    def one_one_share(self) -> Decimal | None:
        return share_percent(self.one_one, self.total_applied)

    @property
    def public_share(self) -> Decimal | None:
        return share_percent(self.public, self.total_applied)


def plan_figures(plan: FinancingPlan, rows: list[FinancingRow] | None = None) -> PlanFigures:
    """Totals and shares of a plan, from its (prefetched) rows and their funding types."""
    rows = list(plan.rows.all()) if rows is None else rows
    total = sum((r.amount_applied for r in rows), ZERO)
    granted_values = [r.amount_granted for r in rows if r.amount_granted is not None]
    per_financier: dict[int, dict] = {}
    per_type: dict[str, list] = {}
    per_year: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        entry = per_financier.setdefault(
            row.financier_id,
            {"financier": row.financier, "applied": ZERO, "granted": None, "types": []},
        )
        entry["applied"] += row.amount_applied
        if row.amount_granted is not None:
            entry["granted"] = (entry["granted"] or ZERO) + row.amount_granted
        label = row.funding_type.name
        if label not in entry["types"]:
            entry["types"].append(label)
        sums = per_type.setdefault(label, [ZERO, None])
        sums[0] += row.amount_applied
        if row.amount_granted is not None:
            sums[1] = (sums[1] or ZERO) + row.amount_granted
        per_year[row.year] += row.amount_applied
    financiers = sorted(
        (
            FinancierShare(
                financier=e["financier"],
                applied=e["applied"],
                granted=e["granted"],
                share=share_percent(e["applied"], total),
                funding_types=e["types"],
            )
            for e in per_financier.values()
        ),
        key=lambda s: (-s.applied, str(s.financier)),
    )

    def sum_where(test) -> Decimal:
        return sum((r.amount_applied for r in rows if test(r.funding_type)), ZERO)

    eu_names = sorted({r.funding_type.name for r in rows if r.funding_type.eu_fund})

    def decided(row) -> Decimal:
        return row.amount_granted if row.amount_granted is not None else row.amount_applied

    return PlanFigures(
        decided_total=sum((decided(r) for r in rows), ZERO) if granted_values else None,
        decided_one_one=(
            sum((decided(r) for r in rows if r.funding_type.counts_as_1_1), ZERO)
            if granted_values
            else None
        ),
        total_applied=total,
        total_granted=sum(granted_values, ZERO) if granted_values else None,
        stated_total=plan.stated_total,
        region_total=sum_where(lambda t: t.this_region),
        region_1_1=sum_where(lambda t: t.charged_to_grant),
        region_own=sum_where(lambda t: t.this_region and not t.counts_as_1_1),
        in_kind=sum((r.amount_applied for r in rows if r.in_kind or r.funding_type.in_kind), ZERO),
        financiers=financiers,
        by_type=[
            (label, values[0], values[1])
            for label, values in sorted(per_type.items(), key=lambda kv: -kv[1][0])
        ],
        by_year=sorted(per_year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)),
        one_one=sum_where(lambda t: t.counts_as_1_1),
        public=sum_where(lambda t: t.is_public and not t.own_funds),
        own_funds=sum_where(lambda t: t.own_funds),
        eu_funds=sum_where(lambda t: t.eu_fund),
        eu_fund_names=eu_names,
    )


def policies() -> list[FinancingPolicy]:
    return list(FinancingPolicy.objects.order_by("-valid_from"))


def policy_in_force() -> FinancingPolicy:
    return FinancingPolicy.objects.in_force()


def delegation_rules() -> list[DelegationRule]:
    """The delegationsordning, in force or not, by case kind and order."""
    return list(
        DelegationRule.objects.select_related("delegate").order_by(
            "case_kind", "-active", "position", "-valid_from", "pk"
        )
    )


def funding_types() -> list[FundingType]:
    """Every funding type in the managed list, in its order (inactive ones included)."""
    return list(FundingType.objects.order_by("position", "name"))


def plan_rows_queryset() -> QuerySet[FinancingRow]:
    return FinancingRow.objects.select_related("financier", "funding_type").order_by(
        "position", "pk"
    )


def plan_for_project(project_id: int) -> FinancingPlan | None:
    """The plan (one query) with its rows and its project's RUS areas and cases (as
    ``prefetch_related`` would fill them, in one more: ``core.batch``)."""
    plan = (
        FinancingPlan.objects.select_related(
            "project__applicant", "project__owner", "submitted_by", "reviewed_by", "created_by"
        )
        .filter(project_id=project_id)
        .first()
    )
    if plan is None:
        return None
    project = plan.project
    relations = {
        "relation:rows": plan.rows.select_related("financier", "funding_type").order_by(
            "position", "pk"
        ),
        "relation:rus_areas": project.rus_areas.all(),
        "relation:cases": project.cases.select_related("officer"),
    }
    batch.fetch_together(*relations.values(), prepare=True)
    batch.keep(plan, "relation:rows", relations.pop("relation:rows"))
    for name, queryset in relations.items():
        batch.keep(project, name, queryset)
    return plan


def plan_for_case_page_querysets(project) -> dict[str, QuerySet]:
    """The plan of ``project`` and its rows, as two querysets run together."""
    return {
        "financing.plan": FinancingPlan.objects.select_related("reviewed_by").filter(
            project_id=project.pk
        ),
        "financing.plan_rows": plan_rows_queryset().filter(plan__project_id=project.pk),
    }


def plan_for_case_page(project, case=None) -> FinancingPlan | None:
    """The plan of ``project`` (as loaded by the case page, with its cases) and its rows
    (one query; none when the case page has read them with its other rows on ``case``).

    The case page already holds the project with its cases and areas: the plan reuses
    that object instead of loading the project a second time.
    """
    if case is not None and batch.is_loaded(case, "financing.plan"):
        plans = batch.loaded(case, "financing.plan", ())
        rows = batch.loaded(case, "financing.plan_rows", ())
    else:
        querysets = plan_for_case_page_querysets(project)
        batch.fetch_together(*querysets.values(), prepare=True)
        plans, rows = list(querysets["financing.plan"]), list(querysets["financing.plan_rows"])
    plan = plans[0] if plans else None
    if plan is not None:
        plan.project = project
        batch.keep_rows(plan, "rows", rows)
    return plan


def co_financing_case(project) -> Case | None:
    """The project's co-financing case (medfinansiering), the newest if several."""
    cases = [c for c in project.cases.all() if c.kind == CaseKind.CO_FINANCING]
    if not cases:
        cases = list(project.cases.all())
    return max(cases, key=lambda c: (c.year, c.number)) if cases else None


def expected_decision_year(plan: FinancingPlan) -> int:
    """The year whose anslag the 1:1 money is expected to come from.

    The year of the grant decision when there is one, else the co-financing case's year.
    """
    case = co_financing_case(plan.project)
    if case is not None and case.decided_on:
        return case.decided_on.year
    if case is not None:
        return case.year
    return timezone.localdate().year


@dataclass
class Check:
    key: str
    label: str
    ok: bool | None  # None: cannot be checked (information missing)
    detail: str
    hard: bool = False  # a failed hard check blocks submission and approval


def plan_policy(plan: FinancingPlan) -> FinancingPolicy:
    """The financing rules a plan is checked against: those in force when the
    co-financing application arrived (today for a plan without a case)."""
    case = co_financing_case(plan.project)
    return FinancingPolicy.objects.in_force(case.received_on if case else None)


def _percent(value: Decimal | None) -> str:
    """``50.00`` -> ``50``, ``55.5`` -> ``55,5``: a percentage as Swedish text."""
    value = value if value is not None else Decimal(0)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def plan_checks(
    plan: FinancingPlan, figures: PlanFigures | None = None, policy: FinancingPolicy | None = None
) -> list[Check]:
    """The controller's checks of a plan, shown on the review page."""
    figures = figures or plan_figures(plan)
    policy = policy or plan_policy(plan)
    project = plan.project
    checks = []
    detail = _("Raderna summerar till %(rows)s, angiven total %(stated)s, skillnad %(diff)s.") % {
        "rows": format_amount(figures.total_applied),
        "stated": format_amount(figures.stated_total),
        "diff": format_amount(figures.difference),
    }
    checks.append(
        Check(
            "sum",
            _("Raderna summerar till den totala budgeten"),
            figures.adds_up and figures.total_applied > 0,
            detail,
            hard=True,
        )
    )
    if project.total_budget is not None:
        same = project.total_budget == plan.stated_total
        checks.append(
            Check(
                "project_total",
                _("Totalen stämmer med projektets registrerade budget"),
                same,
                _("Projektets budget i registret: %(budget)s.")
                % {"budget": format_amount(project.total_budget)},
            )
        )
    checks.append(_requested_check(plan, figures))
    if policy.max_1_1_share is not None:
        checks.append(
            Check(
                "one_one_share",
                _("1:1-andelen inom policytaket"),
                _within_cap(figures.one_one, figures.total_applied, policy.max_1_1_share),
                _(
                    "1:1-medel från alla regioner är %(amount)s, %(share)s %% av budgeten; "
                    "taket är %(cap)s %% (%(cap_amount)s). Egna medel räknas inte."
                )
                % {
                    "amount": format_amount(figures.one_one),
                    "share": _percent(figures.one_one_share or Decimal(0)),
                    "cap": _percent(policy.max_1_1_share),
                    "cap_amount": format_amount(
                        _cap_amount(figures.total_applied, policy.max_1_1_share)
                    ),
                },
            )
        )
    if policy.max_region_share is not None:
        checks.append(
            Check(
                "region_share",
                _("Regionens andel inom policytaket"),
                _within_cap(figures.region_total, figures.total_applied, policy.max_region_share),
                _(
                    "Regionens andel (1:1 och egna medel) är %(amount)s, %(share)s %% av "
                    "budgeten; taket är %(cap)s %% (%(cap_amount)s)."
                )
                % {
                    "amount": format_amount(figures.region_total),
                    "share": _percent(figures.region_share or Decimal(0)),
                    "cap": _percent(policy.max_region_share),
                    "cap_amount": format_amount(
                        _cap_amount(figures.total_applied, policy.max_region_share)
                    ),
                },
            )
        )
    checks.extend(_decided_checks(plan, figures, policy))
    checks.append(_period_check(plan, project))
    checks.extend(_policy_period_checks(plan, project, policy))
    checks.extend(_room_checks(plan))
    return checks


def _decided_checks(plan: FinancingPlan, figures: PlanFigures, policy) -> list[Check]:
    """With the financiers' granted amounts registered: does the money decided still
    finance the budget, and is its 1:1 share within the cap? (A financier granting less
    than applied for leaves a gap; one granting less of the other money raises the 1:1
    share.)"""
    total, one_one = figures.decided_total, figures.decided_one_one
    if total is None or one_one is None:
        return []
    gap = figures.stated_total - total
    checks = [
        Check(
            "decided_sum",
            _("Beviljade belopp finansierar budgeten"),
            gap <= 0,
            _(
                "Beviljat (eller sökt där inget beviljat belopp är registrerat) %(total)s av "
                "budgeten %(budget)s; ofinansierat %(gap)s."
            )
            % {
                "total": format_amount(total),
                "budget": format_amount(figures.stated_total),
                "gap": format_amount(max(gap, ZERO)),
            },
        )
    ]
    if policy.max_1_1_share is not None and total > 0:
        checks.append(
            Check(
                "decided_one_one_share",
                _("1:1-andelen av beviljade belopp inom policytaket"),
                _within_cap(one_one, total, policy.max_1_1_share),
                _(
                    "1:1-medel %(amount)s av beviljade %(total)s, %(share)s %%; taket är "
                    "%(cap)s %% (%(cap_amount)s)."
                )
                % {
                    "amount": format_amount(one_one),
                    "total": format_amount(total),
                    "share": _percent(share_percent(one_one, total) or Decimal(0)),
                    "cap": _percent(policy.max_1_1_share),
                    "cap_amount": format_amount(_cap_amount(total, policy.max_1_1_share)),
                },
            )
        )
    return checks


def _within_cap(part: Decimal, total: Decimal, cap_percent: Decimal) -> bool:
    """``part`` at most ``cap_percent`` of ``total``, exactly (the shown share is rounded to
    a tenth of a per cent, which would let up to 0.05 % of the budget over the cap)."""
    return part * 100 <= cap_percent * total


def _cap_amount(total: Decimal, cap_percent: Decimal) -> Decimal:
    """The cap in kronor, rounded down to whole kronor (what may be financed)."""
    return (total * cap_percent / 100).quantize(Decimal("1"), ROUND_FLOOR)


def _requested_check(plan: FinancingPlan, figures: PlanFigures) -> Check:
    """The rows this region's anslag pays equal what the case asks for (later: granted)."""
    case = co_financing_case(plan.project)
    label = _("Regionens 1:1 i planen stämmer med ärendets belopp")
    if case is not None and case.granted_amount is not None:
        expected, what = case.granted_amount, _("beviljat belopp")
    elif plan.project.requested_amount is not None:
        expected, what = plan.project.requested_amount, _("sökt belopp")
    else:
        return Check("requested", label, None, _("Projektet har inget sökt belopp registrerat."))
    return Check(
        "requested",
        label,
        figures.charged_to_grant == expected,
        _("Planens rader som belastar regionens anslag 1:1: %(rows)s; %(what)s: %(expected)s.")
        % {
            "rows": format_amount(figures.charged_to_grant),
            "what": what,
            "expected": format_amount(expected),
        },
    )


def _policy_period_checks(plan: FinancingPlan, project, policy: FinancingPolicy) -> list[Check]:
    checks = []
    start, end = project.start_date, project.end_date
    if policy.long_project_years and start and end:
        years = Decimal((end - start).days + 1) / Decimal("365.25")
        checks.append(
            Check(
                "duration",
                _("Projekttiden inom %(years)s år") % {"years": policy.long_project_years},
                years <= policy.long_project_years,
                _("Projektet pågår %(start)s – %(end)s, %(years)s år.")
                % {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "years": _percent(years.quantize(Decimal("0.1"))),
                },
            )
        )
    case = co_financing_case(project)
    if policy.flag_start_before_application and start and case is not None:
        checks.append(
            Check(
                "start_after_application",
                _("Projektet startar inte före ansökan"),
                start >= case.received_on,
                _("Projektstart %(start)s, ansökan inkom %(received)s.")
                % {"start": start.isoformat(), "received": case.received_on.isoformat()},
            )
        )
    return checks


def _period_check(plan: FinancingPlan, project) -> Check:
    label = _("Perioden stämmer med projektets")
    if not project.start_date or not project.end_date:
        return Check("period", label, None, _("Projektet saknar start- eller slutdatum."))
    first, last = project.start_date.year, project.end_date.year
    outside = sorted({r.year for r in plan.rows.all() if r.year and not first <= r.year <= last})
    period = f"{project.start_date:%Y-%m-%d} – {project.end_date:%Y-%m-%d}"
    if outside:
        return Check(
            "period",
            label,
            False,
            _("Rader för år utanför projektperioden %(period)s: %(years)s.")
            % {"period": period, "years": ", ".join(str(y) for y in outside)},
        )
    return Check(
        "period",
        label,
        True,
        _("Alla rader ligger inom projektperioden %(period)s.") % {"period": period},
    )


def _room_checks(plan: FinancingPlan) -> list[Check]:
    decision_year = expected_decision_year(plan)
    asked: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in plan.rows.all():
        if row.funding_type.charged_to_grant:
            asked[row.year or decision_year] += row.amount_applied
    if not asked:
        return [
            Check(
                "room",
                _("Sökt 1:1 ryms i årets projektverksamhet"),
                True,
                _("Planen söker inga medel ur anslaget 1:1."),
            )
        ]
    grants = {g.year: g for g in Grant.objects.filter(year__in=asked)}
    checks = []
    for year, amount in sorted(asked.items()):
        label = _("Sökt 1:1 %(year)s ryms i projektverksamheten") % {"year": year}
        grant = grants.get(year)
        if grant is None:
            checks.append(
                Check(
                    f"room_{year}",
                    label,
                    False,
                    _("Inget anslag 1:1 är registrerat för %(year)s.") % {"year": year},
                )
            )
            continue
        room = grant_room(grant, GrantCategory.PROJECT)
        checks.append(
            Check(
                f"room_{year}",
                label,
                amount <= room.left,
                _("Sökt %(asked)s, kvar att besluta om %(left)s.")
                % {"asked": format_amount(amount), "left": format_amount(room.left)},
            )
        )
    return checks


def plan_list(
    *,
    status: str = "",
    year: int | None = None,
    financier: int | None = None,
    funding_type: str = "",
    search: str = "",
) -> QuerySet[FinancingPlan]:
    """Plans with their totals (SQL sums) for the list page and the XLSX export.

    Each total is a subquery of the plan's rows, which PostgreSQL runs for the plans it
    returns: for the page's 50 after sorting, not for every plan. (Joined and grouped, every
    plan's rows were added up before the first page could be sorted out: 1.3 s at 200 000
    plans.)"""

    def rows_sum(column: str, condition: Q | None = None) -> Subquery:
        rows = FinancingRow.objects.filter(plan=OuterRef("pk"))
        if condition is not None:
            rows = rows.filter(condition)
        total = rows.order_by().values("plan").annotate(total=Sum(column)).values("total")
        return Subquery(total, output_field=MONEY)

    def applied(condition: Q | None = None) -> Coalesce:
        return Coalesce(rows_sum("amount_applied", condition), _zero())

    qs = FinancingPlan.objects.select_related(
        "project__applicant", "project__owner", "reviewed_by", "submitted_by"
    ).annotate(
        total_applied=applied(),
        region_1_1=applied(Q(funding_type__charged_to_grant=True)),
        region_own=applied(Q(funding_type__this_region=True, funding_type__counts_as_1_1=False)),
        region_total=applied(Q(funding_type__this_region=True)),
        one_one=applied(Q(funding_type__counts_as_1_1=True)),
        total_granted=rows_sum("amount_granted"),
    )
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(
            Exists(Case.objects.filter(project=OuterRef("project"), year=year))
            | (up_to_year("project__start_date", year) & from_year("project__end_date", year))
        )
    if financier:
        qs = qs.filter(
            Exists(FinancingRow.objects.filter(plan=OuterRef("pk"), financier=financier))
        )
    if funding_type:
        qs = qs.filter(
            Exists(
                FinancingRow.objects.filter(plan=OuterRef("pk"), funding_type__code=funding_type)
            )
        )
    if search:
        qs = qs.filter(
            Q(project__title__icontains=search)
            | Q(project__applicant__name__icontains=search)
            | Exists(
                Case.objects.filter(project=OuterRef("project")).filter(
                    Q(nyps_id__icontains=search) | Q(title__icontains=search)
                )
            )
        )
    return qs.prefetch_related(
        Prefetch("project__cases", queryset=Case.objects.order_by("-year", "-number"))
    ).order_by("project__title", "pk")  # a total order: each plan on one page


def plan_rows_for_export(plans: QuerySet[FinancingPlan]) -> QuerySet[FinancingRow]:
    return (
        FinancingRow.objects.filter(plan__in=plans.values("pk"))
        .select_related("financier", "funding_type", "plan__project")
        .order_by("plan__project__title", "position", "pk")
    )


# --- History ---------------------------------------------------------------------------


@dataclass
class HistoryEvent:
    when: datetime.datetime
    user: object
    what: str
    changes: list[tuple[str, str, str]]


def _format_value(field_name: str, value, model) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    try:
        f = model._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - unknown fields are shown as they are
        return str(value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    return str(value)


def _events(records, model, describe, fields) -> list[HistoryEvent]:
    """Pair each historical record with the previous one of the same object."""
    previous: dict[int, object] = {}
    events = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        for name in fields:
            new = getattr(record, name)
            old = getattr(before, name) if before is not None else None
            if before is None and record.history_type == "+":
                if new not in (None, "", False):
                    changes.append((name, "", _format_value(name, new, model)))
            elif record.history_type == "-":
                changes.append((name, _format_value(name, old or new, model), ""))
                break
            elif old != new:
                changes.append(
                    (name, _format_value(name, old, model), _format_value(name, new, model))
                )
        previous[record.id] = record
        if changes or record.history_type != "~":
            events.append(
                HistoryEvent(
                    when=record.history_date,
                    user=record.history_user,
                    what=describe(record),
                    changes=[
                        (str(model._meta.get_field(n).verbose_name), a, b) for n, a, b in changes
                    ],
                )
            )
    return events


def grant_history(grant: Grant) -> list[HistoryEvent]:
    """Changes of the anslag and its allocation plan, newest first."""
    grant_records = grant.history.select_related("history_user").order_by("history_date", "pk")
    allocation_records = (
        Allocation.history.filter(grant_id=grant.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )

    def allocation_label(record):
        choices = (
            GrantCategory if record.dimension == AllocationDimension.CATEGORY else ReportPriority
        )
        try:
            label = choices(record.key).label
        except ValueError:
            label = record.key
        return _("Fördelning: %(key)s") % {"key": label}

    events = _events(
        grant_records,
        Grant,
        lambda r: _("Anslaget"),
        ["amount", "decision_reference", "note"],
    ) + _events(allocation_records, Allocation, allocation_label, ["amount"])
    return sorted(events, key=lambda e: e.when, reverse=True)


def plan_history(plan: FinancingPlan) -> list[HistoryEvent]:
    plan_records = plan.history.select_related("history_user").order_by("history_date", "pk")
    row_records = (
        FinancingRow.history.filter(plan_id=plan.pk)
        .select_related("history_user", "financier", "funding_type")
        .order_by("history_date", "history_id")
    )
    batch.fetch_together(plan_records, row_records, prepare=True)  # one query (core.batch)

    def row_label(record):
        return _("Rad: %(financier)s") % {"financier": record.financier}

    events = _events(
        plan_records,
        FinancingPlan,
        lambda r: _("Planen"),
        ["status", "stated_total", "review_comment"],
    ) + _events(
        row_records,
        FinancingRow,
        row_label,
        ["funding_type", "amount_applied", "amount_granted", "year", "in_kind"],
    )
    return sorted(events, key=lambda e: e.when, reverse=True)


# --- Paying out a grant: the case's payments page ------------------------------------------


@dataclass
class CasePayments:
    """Everything the case's payments page shows (a fixed number of queries)."""

    case: Case
    commitments: list[Commitment]
    payments: list
    requisitions: list
    conditions: list
    recoveries: list
    adjustments: list
    terms: object | None
    final_report: object | None
    policy: FinancingPolicy
    granted: Decimal = ZERO
    paid: Decimal = ZERO
    recovered: Decimal = ZERO
    advances: Decimal = ZERO
    advance_cap: Decimal | None = None

    @property
    def left_to_pay(self) -> Decimal:
        return self.granted - self.paid

    @property
    def unmet_conditions(self) -> list:
        return [c for c in self.conditions if c.met_on is None]

    @property
    def final_paid(self) -> bool:
        return any(p.kind == "final" and not p.is_corrected for p in self.payments)


def case_payments(case: Case) -> CasePayments:
    commitments = case_commitments(case)
    payments = list(
        Payment.objects.filter(commitment__case=case)
        .select_related("commitment__grant", "requisition", "created_by", "corrects")
        .annotate(is_corrected=Exists(Payment.objects.filter(corrects=OuterRef("pk"))))
        .order_by("paid_on", "pk")
    )
    paid_by_requisition: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for p in payments:
        requisition_id = p.requisition_id or (p.corrects.requisition_id if p.corrects else None)
        if requisition_id:
            paid_by_requisition[requisition_id] += p.amount
    requisitions = list(Requisition.objects.filter(case=case).order_by("period_start", "pk"))
    for requisition in requisitions:
        requisition.paid = paid_by_requisition[requisition.pk]  # type: ignore[attr-defined]
    recoveries = list(
        Recovery.objects.filter(commitment__case=case)
        .select_related("commitment__grant", "created_by")
        .order_by("decided_on", "pk")
    )
    recovered_by: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for recovery in recoveries:
        recovered_by[recovery.commitment_id] += recovery.amount
    for c in commitments:
        c.recovered = recovered_by[c.pk]  # type: ignore[attr-defined]
    granted = sum((c.amount - c.released for c in commitments), ZERO)  # type: ignore[attr-defined]
    paid = sum((p.amount for p in payments), ZERO)
    advances = sum(
        (
            p.amount
            for p in payments
            if p.kind == "advance" or (p.corrects is not None and p.corrects.kind == "advance")
        ),
        ZERO,
    )
    policy = FinancingPolicy.objects.in_force()
    caps = []
    if policy.max_advance_share is not None:
        caps.append((granted * policy.max_advance_share / 100).quantize(Decimal("0.01")))
    if policy.max_advance_amount is not None:
        caps.append(policy.max_advance_amount)
    return CasePayments(
        case=case,
        commitments=commitments,
        payments=payments,
        requisitions=requisitions,
        conditions=list(
            GrantCondition.objects.filter(case=case)
            .select_related("met_by", "evidence")
            .order_by("set_on", "pk")
        ),
        recoveries=recoveries,
        adjustments=list(
            GrantAdjustment.objects.filter(case=case)
            .select_related("created_by")
            .order_by("decided_on", "pk")
        ),
        terms=GrantTerms.objects.filter(case=case).first(),
        final_report=FinalReportApproval.objects.filter(case=case)
        .select_related("approved_by", "report")
        .first(),
        policy=policy,
        granted=granted,
        paid=paid,
        recovered=sum(recovered_by.values(), ZERO),
        advances=advances,
        advance_cap=min(caps) if caps else None,
    )


def allocation_decisions(grant: Grant) -> list:
    """The year's allocation decisions, newest first, with their shares."""
    return list(
        AllocationDecision.objects.filter(grant=grant)
        .select_related("created_by")
        .prefetch_related("shares")
        .order_by("-decided_on", "-pk")
    )


# --- Business support decided in NYPS 2020 -------------------------------------------------


@dataclass
class FrameworkShare:
    framework: str
    share: Decimal
    decisions: int


@dataclass
class BusinessSupportFigures:
    """The year's business-support figures, counted from the imported NYPS rows.

    received: applications that came in during the year; granted / rejected: decisions
    made during the year; companies: distinct organisation numbers granted support during
    the year, by who leads them; frameworks: granted decisions co-financed by an EU
    framework project, per project and share.
    """

    year: int
    category: str
    rows: int  # every row of the category touching the year (0: nothing imported)
    received: int
    granted: int
    rejected: int
    granted_amount: Decimal
    companies: int
    companies_women: int
    companies_men: int
    companies_shared: int
    companies_unknown: int
    eu_cofinanced: int
    frameworks: list[FrameworkShare] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.rows > 0

    @property
    def decided(self) -> int:
        return self.granted + self.rejected

    @property
    def rejection_share(self) -> Decimal | None:
        return _whole_percent(self.rejected, self.decided)

    @property
    def share_women(self) -> Decimal | None:
        return _whole_percent(self.companies_women, self.companies)

    @property
    def share_men(self) -> Decimal | None:
        return _whole_percent(self.companies_men, self.companies)

    @property
    def share_shared(self) -> Decimal | None:
        return _whole_percent(self.companies_shared, self.companies)


def _whole_percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def business_support_groups(year: int, category: str = GrantCategory.BUSINESS_SUPPORT) -> dict:
    """The Q filters behind each business-support figure of ``year`` (the drill-down's too)."""
    base = Q(category=category)
    granted = base & Q(decision=SupportDecision.GRANTED) & in_year("decided_on", year)
    return {
        "all": base & (in_year("received_on", year) | in_year("decided_on", year)),
        "received": base & in_year("received_on", year),
        "granted": granted,
        "rejected": base & Q(decision=SupportDecision.REJECTED) & in_year("decided_on", year),
        "women": granted & Q(leader_gender=LeaderGender.WOMAN),
        "men": granted & Q(leader_gender=LeaderGender.MAN),
        "shared": granted & Q(leader_gender=LeaderGender.SHARED),
        "unknown": granted & Q(leader_gender=""),
        "eu": granted & ~Q(eu_framework=""),
    }


def business_support_figures(
    year: int, category: str = GrantCategory.BUSINESS_SUPPORT
) -> BusinessSupportFigures:
    """One query: the counts, and the EU framework groups."""
    return batch.resolve([business_support_pending(year, category)])[0]


def business_support_pending(
    year: int, category: str = GrantCategory.BUSINESS_SUPPORT
) -> batch.Pending[BusinessSupportFigures]:
    """``business_support_figures`` to be read with other querysets (``core.batch``)."""
    groups = business_support_groups(year, category)
    counts = batch.aggregate_queryset(
        BusinessSupport.objects.all(),
        rows=Count("pk", filter=groups["all"]),
        received=Count("pk", filter=groups["received"]),
        granted=Count("pk", filter=groups["granted"]),
        rejected=Count("pk", filter=groups["rejected"]),
        granted_amount=Coalesce(
            Sum("amount", filter=groups["granted"]),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
        companies=Count("org_number", filter=groups["granted"], distinct=True),
        women=Count("org_number", filter=groups["women"], distinct=True),
        men=Count("org_number", filter=groups["men"], distinct=True),
        shared=Count("org_number", filter=groups["shared"], distinct=True),
        unknown=Count("org_number", filter=groups["unknown"], distinct=True),
        eu=Count("pk", filter=groups["eu"]),
    )
    shares = (
        BusinessSupport.objects.filter(groups["eu"])
        .values("eu_framework", "eu_share")
        .annotate(n=Count("pk"))
        .order_by("-n", "eu_framework", "eu_share")
    )
    return batch.Pending(
        lambda: _business_support(year, category, batch.aggregated(counts, 0), shares),
        (counts, shares),
    )


def _business_support(year: int, category: str, counts: dict, shares) -> BusinessSupportFigures:
    frameworks = [
        FrameworkShare(
            framework=row["eu_framework"], share=row["eu_share"] or ZERO, decisions=row["n"]
        )
        for row in shares
    ]
    return BusinessSupportFigures(
        year=year,
        category=category,
        rows=counts["rows"],
        received=counts["received"],
        granted=counts["granted"],
        rejected=counts["rejected"],
        granted_amount=counts["granted_amount"],
        companies=counts["companies"],
        companies_women=counts["women"],
        companies_men=counts["men"],
        companies_shared=counts["shared"],
        companies_unknown=counts["unknown"],
        eu_cofinanced=counts["eu"],
        frameworks=frameworks,
    )


def business_support_list(
    *, year: int | None = None, group: str = "all", category: str = GrantCategory.BUSINESS_SUPPORT
) -> QuerySet:
    """The rows behind a business-support figure (or every row, without a year)."""
    queryset = BusinessSupport.objects.select_related("source")
    if year is not None:
        queryset = queryset.filter(business_support_groups(year, category)[group])
    return queryset.order_by("received_on", "application_id")


def business_support_imports(year: int | None = None) -> QuerySet:
    queryset = BusinessSupportImport.objects.select_related("imported_by")
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset


@dataclass
class CoFinancingApplications:
    received: int
    granted: int
    rejected: int

    @property
    def rejection_share(self) -> Decimal | None:
        return _whole_percent(self.rejected, self.granted + self.rejected)


def co_financing_applications(year: int) -> CoFinancingApplications:
    """Co-financing applications received in ``year`` (the day they came in, not the day
    they were registered) and decided in it (one query); the same definition as the
    annual report's (``reporting.figures``)."""
    return batch.resolve([co_financing_pending(year)])[0]


def co_financing_pending(year: int) -> batch.Pending[CoFinancingApplications]:
    """``co_financing_applications`` to be read with other querysets (``core.batch``)."""
    base = Q(kind=CaseKind.CO_FINANCING)
    decided_in_year = in_year("decided_on", year)
    rejected = base & decided_in_year & Q(state=CaseState.REJECTED)
    granted = (
        base & decided_in_year & Q(granted_amount__isnull=False) & ~Q(state=CaseState.REJECTED)
    )
    # The cases received in the year and those decided in it, each counted from its
    # index alone (``case_kind_received_on``, ``case_kind_decided_on``), in one query.
    received = batch.count_queryset(Case.objects.filter(base, in_year("received_on", year)))
    decided = batch.aggregate_queryset(
        Case.objects.filter(base, decided_in_year),
        # a column of the index, never null here: counts the rows
        granted=Count("decided_on", filter=granted),
        rejected=Count("decided_on", filter=rejected),
    )

    def build() -> CoFinancingApplications:
        counts = decided[0] if len(decided) else {"granted": 0, "rejected": 0}
        return CoFinancingApplications(
            received=received[0] if len(received) else 0,
            granted=counts["granted"],
            rejected=counts["rejected"],
        )

    return batch.Pending(build, (received, decided))
