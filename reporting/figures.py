"""The figures of the annual report (section 2), computed from cases and money.

Everything is aggregated in SQL with conditional aggregation: five queries whatever
the number of cases, commitments, payments or releases. Nothing here is ever typed in.

Definitions for report year Y (shown on the figures page, ``FIGURE_DEFINITIONS``):

- anslag 1:1: ``Grant.amount`` of year Y;
- distribution by category / RUS priority: commitments against the grant of year Y,
  minus what was released from them, in kronor (shown in MSEK with one decimal) and in
  per cent of the committed total, whole per cent rounded half up;
- applications (business support): applications for regionala företagsstöd decided in
  the state's system NYPS 2020 and imported (``financing.models.BusinessSupport``):
  received in Y, granted / rejected in Y; rejection share = rejected / decided; companies
  granted support in Y (distinct organisation numbers); granted decisions co-financed
  with EU money through framework projects, per project and share;
- main aims: the year's granted projects (``granted_projects``) with a main aim counted
  as that (``ProjectAim.reported_as``);
- leadership: the companies granted business support in Y by who leads them, per cent
  of the companies;
- paid: payments with ``paid_on`` in Y (whatever the grant year of the commitment).
"""

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.expressions import in_year
from financing.models import Commitment, Grant, GrantCategory, Payment, Release
from financing.selectors import business_support_figures
from projects.models import Case, CaseKind, CaseState, Project, ReportedAim, ReportPriority

# The main aims the government's report counts (``projects.models.ProjectAim.reported_as``).
REPORTED_AIMS = tuple(ReportedAim.values)

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)

FIGURE_DEFINITIONS = {
    "grant": _("Anslag 1:1 enligt villkorsbeslutet för året (registrerat under Ekonomi)."),
    "by_category": _(
        "Åtaganden mot årets anslag per kategori minus återförda medel. Andelen är av summan "
        "av alla åtaganden, i hela procent avrundat uppåt från ,5."
    ),
    "by_priority": _(
        "Åtaganden mot årets anslag per prioritering i den regionala utvecklingsstrategin, "
        "minus återförda medel, i miljoner kronor med en decimal."
    ),
    "applications": _(
        "Ansökningar om regionala företagsstöd som beslutas i Tillväxtverkets system NYPS 2020 "
        "och importeras under Ekonomi → Företagsstöd: inkomna under året, beviljade respektive "
        "avslagna under året. Andelen avslag är avslagna av alla beslutade. Företag som "
        "beviljats stöd räknas en gång per organisationsnummer."
    ),
    "eu_frameworks": _(
        "Beslut om regionala företagsstöd beviljade under året som medfinansieras med EU-medel "
        "via ett ramprojekt, per ramprojekt och andel."
    ),
    "main_aims": _(
        "Årets beviljade projekt (medfinansieringsärenden beviljade under året och projektbeslut "
        "fattade under året, registrerade som åtaganden) vars huvudsyfte räknas som jämställdhet, "
        "mångfald och integration respektive miljö och klimat. Ett projekt kan ha flera "
        "huvudsyften."
    ),
    "leadership": _(
        "Företag som beviljats regionalt företagsstöd under året (enligt NYPS 2020), fördelade "
        "efter vem som leder företaget, i procent av antalet företag."
    ),
    "paid": _(
        "Utbetalningar med utbetalningsdatum under året, oavsett vilket års anslag åtagandet "
        "gjordes mot."
    ),
}


def percent(part, whole) -> Decimal | None:
    """Whole per cent, rounded half up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass
class Share:
    key: str
    label: str
    committed: Decimal
    released: Decimal
    amount: Decimal  # committed - released
    share: Decimal | None  # whole per cent of the net total


@dataclass
class Applications:
    """Applications for business support (NYPS 2020 rows); ``missing`` says why there
    are no figures (nothing imported for the year)."""

    received: int
    granted: int
    rejected: int
    rejection_share: Decimal | None
    companies: int = 0
    missing: str = ""

    @property
    def decided(self) -> int:
        return self.granted + self.rejected


@dataclass
class MainAims:
    granted_projects: int
    equality: int
    diversity: int
    environment: int
    missing: str = ""


@dataclass
class EuFramework:
    framework: str
    share: Decimal
    decisions: int


@dataclass
class EuCoFinancing:
    decisions: int
    frameworks: list[EuFramework]
    missing: str = ""


@dataclass
class Leadership:
    total: int
    women: int
    men: int
    shared: int
    share_women: Decimal | None
    share_men: Decimal | None
    share_shared: Decimal | None
    unknown: int = 0
    missing: str = ""


@dataclass
class Figures:
    year: int
    grant_amount: Decimal | None
    grant_reference: str
    committed_total: Decimal
    released_total: Decimal
    net_total: Decimal
    by_category: list[Share]
    by_priority: list[Share]
    applications: Applications
    main_aims: MainAims
    leadership: Leadership
    eu_cofinancing: EuCoFinancing
    paid_total: Decimal
    paid_by_category: dict[str, Decimal] = field(default_factory=dict)

    @property
    def has_grant(self) -> bool:
        return self.grant_amount is not None

    @property
    def committed_share_of_grant(self) -> Decimal | None:
        return percent(self.net_total, self.grant_amount) if self.grant_amount else None

    def share(self, key: str) -> Share | None:
        for share in (*self.by_category, *self.by_priority):
            if share.key == key:
                return share
        return None

    def as_dict(self) -> dict:
        """JSON-ready: amounts as strings in kronor, shares as whole per cent strings."""

        def clean(value):
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, list):
                return [clean(v) for v in value]
            return value

        data = clean(asdict(self))
        data["applications"]["decided"] = self.applications.decided
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Figures":
        """The figures ``as_dict`` gave (the approved report's snapshot)."""

        def amount(value):
            return None if value is None else Decimal(value)

        def share(row: dict) -> Share:
            return Share(
                key=row["key"],
                label=row["label"],
                committed=Decimal(row["committed"]),
                released=Decimal(row["released"]),
                amount=Decimal(row["amount"]),
                share=amount(row["share"]),
            )

        applications = {k: v for k, v in data["applications"].items() if k != "decided"}
        applications["rejection_share"] = amount(applications["rejection_share"])
        leadership = dict(data["leadership"])
        for key in ("share_women", "share_men", "share_shared"):
            leadership[key] = amount(leadership[key])
        eu = data["eu_cofinancing"]
        return cls(
            year=data["year"],
            grant_amount=amount(data["grant_amount"]),
            grant_reference=data["grant_reference"],
            committed_total=Decimal(data["committed_total"]),
            released_total=Decimal(data["released_total"]),
            net_total=Decimal(data["net_total"]),
            by_category=[share(row) for row in data["by_category"]],
            by_priority=[share(row) for row in data["by_priority"]],
            applications=Applications(**applications),
            main_aims=MainAims(**data["main_aims"]),
            leadership=Leadership(**leadership),
            eu_cofinancing=EuCoFinancing(
                decisions=eu["decisions"],
                frameworks=[
                    EuFramework(
                        framework=f["framework"],
                        share=Decimal(f["share"]),
                        decisions=f["decisions"],
                    )
                    for f in eu["frameworks"]
                ],
                missing=eu["missing"],
            ),
            paid_total=Decimal(data["paid_total"]),
            paid_by_category={k: Decimal(v) for k, v in data["paid_by_category"].items()},
        )


def _sum(expression="amount", **filters):
    return Coalesce(Sum(expression, filter=Q(**filters)), Value(ZERO), output_field=MONEY)


def _granted_cases(year: int) -> Q:
    """Co-financing cases granted during ``year``."""
    return (
        Q(kind=CaseKind.CO_FINANCING)
        & Q(decided_on__year=year, granted_amount__isnull=False)
        & ~Q(state=CaseState.REJECTED)
    )


def granted_projects(year: int):
    """The year's granted projects: the projects of co-financing cases granted during the
    year, and of cases whose project decision is recorded as a commitment of project
    support decided during the year (older decisions taken outside the case flow). A grant
    paid over several years is granted in the year of its decision, not again in each
    year whose anslag pays a share of it."""
    by_case = Case.objects.filter(_granted_cases(year)).values("project_id")
    by_commitment = Commitment.objects.filter(
        in_year("committed_on", year), category=GrantCategory.PROJECT, case__isnull=False
    ).values("case__project_id")
    return Project.objects.filter(Q(pk__in=by_case) | Q(pk__in=by_commitment))


def report_figures(report) -> Figures:
    """The figures of ``report``: as they were when it was approved (an approved report is
    final: later imports, payments or releases do not change it), else computed now."""
    if report.is_approved and report.approved_figures:
        return Figures.from_dict(report.approved_figures)
    return compute_figures(report.year)


def compute_figures(year: int) -> Figures:
    """Every figure of section 2 for report year ``year`` (seven queries)."""
    categories = GrantCategory.values
    priorities = ReportPriority.values

    # 1. the year's anslag
    grant = Grant.objects.filter(year=year).values("amount", "decision_reference").first()

    # 2. commitments of the year's grant: sums per category and priority
    committed = Commitment.objects.filter(grant__year=year).aggregate(
        total=_sum(),
        **{f"cat_{c}": _sum(category=c) for c in categories},
        **{f"prio_{p}": _sum(priority=p) for p in priorities},
    )

    # 3. what was released from those commitments, grouped the same way
    released = Release.objects.filter(commitment__grant__year=year).aggregate(
        total=_sum(),
        **{f"cat_{c}": _sum(commitment__category=c) for c in categories},
        **{f"prio_{p}": _sum(commitment__priority=p) for p in priorities},
    )

    # 4. the main aims of the year's granted projects
    aims = granted_projects(year).aggregate(
        granted_projects=Count("pk", distinct=True),
        with_aims=Count("pk", filter=Q(main_aims__reported_as__in=REPORTED_AIMS), distinct=True),
        **{
            code: Count("pk", filter=Q(main_aims__reported_as=code), distinct=True)
            for code in REPORTED_AIMS
        },
    )

    # 5-6. business support decided in NYPS 2020 (financing's imported rows)
    business = business_support_figures(year)

    # 7. payments made during the year
    paid = Payment.objects.filter(paid_on__year=year).aggregate(
        total=_sum(), **{f"cat_{c}": _sum(commitment__category=c) for c in categories}
    )

    net_total = committed["total"] - released["total"]

    def shares(prefix: str, choices) -> list[Share]:
        out = []
        for value, label in choices.choices:
            amount = committed[f"{prefix}_{value}"] - released[f"{prefix}_{value}"]
            out.append(
                Share(
                    key=value,
                    label=str(label),
                    committed=committed[f"{prefix}_{value}"],
                    released=released[f"{prefix}_{value}"],
                    amount=amount,
                    share=percent(amount, net_total),
                )
            )
        return out

    not_imported = (
        ""
        if business.has_data
        else str(
            _("inga beslut om företagsstöd från NYPS 2020 är importerade för %(year)s")
            % {"year": year}
        )
    )
    aims_missing = ""
    if not aims["granted_projects"]:
        aims_missing = str(_("inga projekt beviljades under året"))
    elif not aims["with_aims"]:
        aims_missing = str(_("huvudsyfte är inte angivet för något av årets beviljade projekt"))
    return Figures(
        year=year,
        grant_amount=grant["amount"] if grant else None,
        grant_reference=grant["decision_reference"] if grant else "",
        committed_total=committed["total"],
        released_total=released["total"],
        net_total=net_total,
        by_category=shares("cat", GrantCategory),
        by_priority=shares("prio", ReportPriority),
        applications=Applications(
            received=business.received,
            granted=business.granted,
            rejected=business.rejected,
            rejection_share=business.rejection_share,
            companies=business.companies,
            missing=not_imported,
        ),
        main_aims=MainAims(
            granted_projects=aims["granted_projects"],
            equality=aims["equality"],
            diversity=aims["diversity"],
            environment=aims["environment"],
            missing=aims_missing,
        ),
        leadership=Leadership(
            total=business.companies,
            women=business.companies_women,
            men=business.companies_men,
            shared=business.companies_shared,
            share_women=business.share_women,
            share_men=business.share_men,
            share_shared=business.share_shared,
            unknown=business.companies_unknown,
            missing=not_imported
            or ("" if business.companies else str(_("inga företag beviljades stöd under året"))),
        ),
        eu_cofinancing=EuCoFinancing(
            decisions=business.eu_cofinanced,
            frameworks=[
                EuFramework(framework=f.framework, share=f.share, decisions=f.decisions)
                for f in business.frameworks
            ],
            missing=not_imported,
        ),
        paid_total=paid["total"],
        paid_by_category={c: paid[f"cat_{c}"] for c in categories},
    )


# --- Drill-down: the rows behind a figure ---------------------------------------------

DRILL_COMMITMENT_FILTERS = ("category", "priority", "gender")
CASE_GROUPS = (
    "received",
    "granted",
    "rejected",
    "projects",
    "equality",
    "diversity",
    "environment",
)


def commitments_behind(year: int, *, category=None, priority=None, gender=None):
    """The commitments of the year's grant behind a figure, with released and paid sums."""

    def per_commitment(model):
        rows = (
            model.objects.filter(commitment=OuterRef("pk"))
            .values("commitment")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)

    queryset = (
        Commitment.objects.filter(grant__year=year)
        .select_related("case", "recipient", "case__project")
        .annotate(released_sum=per_commitment(Release), paid_sum=per_commitment(Payment))
        .annotate(net_amount=F("amount") - F("released_sum"))
        .order_by("category", "committed_on", "pk")
    )
    if category:
        queryset = queryset.filter(category=category)
    if priority:
        queryset = queryset.filter(priority=priority)
    if gender:
        queryset = queryset.filter(
            category=GrantCategory.BUSINESS_SUPPORT, company_leader_gender=gender
        )
    return queryset


def cases_behind(year: int, group: str):
    """The co-financing cases behind a main-aim figure (and the co-financing applications)."""
    base = Case.objects.filter(kind=CaseKind.CO_FINANCING).select_related("project", "officer")
    granted = base.filter(_granted_cases(year))
    of_granted_projects = (
        base.filter(project__in=granted_projects(year))
        .filter(
            _granted_cases(year)
            | Q(
                in_year("commitments__committed_on", year),
                commitments__category=GrantCategory.PROJECT,
            )
        )
        .distinct()
    )
    groups = {
        "received": base.filter(received_on__year=year),
        "granted": granted,
        "rejected": base.filter(decided_on__year=year, state=CaseState.REJECTED),
        "projects": of_granted_projects,
        **{
            code: of_granted_projects.filter(project__main_aims__reported_as=code)
            for code in REPORTED_AIMS
        },
    }
    return groups[group].distinct().order_by("year", "number")
