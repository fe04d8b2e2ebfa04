"""Demo data of the financing app; both stages are idempotent.

``load_before_decisions``: anslag 1:1 for 2020 and 2022 with their allocation plans (and
a plausible 2023 one, for seed 002's case),
and the financing plans of every seed case (real rows), submitted by the case officer
and approved by the controller, so the workflow can put the cases before RUN.

``load`` (after the decisions demo has granted RUN 2020-03-24's cases): payments on some
2020 commitments, and the recorded 2022 commitments whose sums reproduce seed 004
section 2.1: 61 / 34 / 5 % per category and 32,3 / 120,1 / 1,4 / 5,3 / 12 MSEK per
RUS priority. The business support decided in NYPS 2020 during 2022 is imported from the
shipped export ``demo_data/nyps-foretagsstod-2022.csv`` (164 / 125 / 39, companies led by
women / men / jointly 24 / 66 / 10 %, 46 decisions co-financed by EU framework projects).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from decisions.meetings import demo as meetings_demo
from decisions.workflow import demo as workflow_demo
from decisions.workflow.models import DelegationRule
from financing import defaults, services
from financing.models import (
    AllocationDimension,
    BusinessSupportImport,
    Commitment,
    FinancingPlan,
    FinancingPolicy,
    FundingType,
    Grant,
    GrantCategory,
    LeaderGender,
    Payment,
    PaymentKind,
    PlanStatus,
)
from financing.services import decisions, payments
from projects.models import Case, Organisation, Project, ReportPriority
from projects.seed_cases import all_seed_cases

D = Decimal
CAT = AllocationDimension.CATEGORY
PRI = AllocationDimension.PRIORITY

GRANTS = {
    2020: {
        "amount": D("150000000"),
        "decision_reference": "N2019/03349/RTS (villkorsbeslut 2020)",
        "note": "Fördelning enligt RUN:s beslut om fördelning av anslaget 2020.",
        "allocations": {
            (CAT, GrantCategory.PROJECT): D("82500000"),
            (CAT, GrantCategory.BUSINESS_SUPPORT): D("60000000"),
            (CAT, GrantCategory.COMMERCIAL_SERVICE): D("7500000"),
            (PRI, ReportPriority.ATTRACTIVE_ENVIRONMENTS): D("30000000"),
            (PRI, ReportPriority.INNOVATION): D("100000000"),
            (PRI, ReportPriority.INTERNATIONAL): D("2000000"),
            (PRI, ReportPriority.SKILLS): D("6000000"),
            (PRI, ReportPriority.OTHER): D("12000000"),
        },
    },
    2022: {
        "amount": D("171100000"),
        "decision_reference": "N2021/03185 (villkorsbeslut 2022)",
        "note": "Återrapportering av villkorsbeslut 2022, avsnitt 2.1.",
        "allocations": {
            (CAT, GrantCategory.PROJECT): D("104371000"),  # 61 %
            (CAT, GrantCategory.BUSINESS_SUPPORT): D("58174000"),  # 34 %
            (CAT, GrantCategory.COMMERCIAL_SERVICE): D("8555000"),  # 5 %
            (PRI, ReportPriority.ATTRACTIVE_ENVIRONMENTS): D("32300000"),
            (PRI, ReportPriority.INNOVATION): D("120100000"),
            (PRI, ReportPriority.INTERNATIONAL): D("1400000"),
            (PRI, ReportPriority.SKILLS): D("5300000"),
            (PRI, ReportPriority.OTHER): D("12000000"),
        },
    },
    # Not in the seeds: a plausible 2023 anslag so that seed 002's Life Science case
    # (Dnr 00412-2023, 1 245 497 kr) can be granted in the demo.
    2023: {
        "amount": D("175000000"),
        "decision_reference": "Villkorsbeslut 2023 (demobelopp)",
        "note": "Uppskattat belopp för demonstration; ersätt med villkorsbeslutets belopp.",
        "allocations": {
            (CAT, GrantCategory.PROJECT): D("105000000"),
            (CAT, GrantCategory.BUSINESS_SUPPORT): D("61250000"),
            (CAT, GrantCategory.COMMERCIAL_SERVICE): D("8750000"),
            (PRI, ReportPriority.ATTRACTIVE_ENVIRONMENTS): D("35000000"),
            (PRI, ReportPriority.INNOVATION): D("122500000"),
            (PRI, ReportPriority.INTERNATIONAL): D("1500000"),
            (PRI, ReportPriority.SKILLS): D("5000000"),
            (PRI, ReportPriority.OTHER): D("11000000"),
        },
    },
}

# 2022 project decisions per priority (projektverksamhet = 104 371 000 kr).
# Attraktiva livsmiljöer 32,3 MSEK = projects 23 745 000 + all commercial service 8 555 000;
# innovation 120,1 MSEK = projects 61 926 000 + all business support 58 174 000.
PROJECTS_2022 = [
    (ReportPriority.ATTRACTIVE_ENVIRONMENTS, "Hållbar besöksnäring i Tornedalen", D("4200000")),
    (ReportPriority.ATTRACTIVE_ENVIRONMENTS, "Laddinfrastruktur i inlandet", D("6845000")),
    (ReportPriority.ATTRACTIVE_ENVIRONMENTS, "Kultur som kraft i Norrbotten", D("3100000")),
    (ReportPriority.ATTRACTIVE_ENVIRONMENTS, "Bredband till sista byn, förstudie", D("1900000")),
    (ReportPriority.ATTRACTIVE_ENVIRONMENTS, "Attraktiva livsmiljöer för unga vuxna", D("7700000")),
    (ReportPriority.INNOVATION, "Grön omställning i processindustrin", D("14500000")),
    (ReportPriority.INNOVATION, "Arctic Business Incubator 2022–2024", D("9800000")),
    (ReportPriority.INNOVATION, "Testbädd för fossilfri stålproduktion", D("12626000")),
    (ReportPriority.INNOVATION, "Rymdteknik för SMF", D("6300000")),
    (ReportPriority.INNOVATION, "Digital innovationshubb Norr", D("8700000")),
    (ReportPriority.INNOVATION, "Smart specialisering: batterivärdekedjan", D("10000000")),
    (
        ReportPriority.INTERNATIONAL,
        "Interreg Aurora: gränslös arbetsmarknad, medfinansiering",
        D("1400000"),
    ),
    (ReportPriority.SKILLS, "Kompetenslyft för industrin i Norrbotten", D("3200000")),
    (ReportPriority.SKILLS, "Validering och yrkesutbildning i glesbygd", D("2100000")),
    (ReportPriority.OTHER, "Regional kapacitet för EU-programmen 2021–2027", D("7500000")),
    (ReportPriority.OTHER, "Förstudier inför nya programperioden", D("4500000")),
]

# The main aims of the 2022 projects (seed 004 2.2: six projects whose main aim is
# equality, four diversity, nine the environment), by index in PROJECTS_2022.
AIMS_2022 = {
    0: ("environment", "diversity"),
    1: ("environment",),
    2: ("diversity", "equality"),
    3: ("environment",),
    4: ("equality", "diversity"),
    5: ("environment",),
    6: ("equality",),
    7: ("environment",),
    9: ("equality",),
    10: ("environment",),
    11: ("diversity",),
    12: ("equality", "environment"),
    13: ("equality",),
    14: ("environment",),
    15: ("environment",),
}

BUSINESS_SUPPORT_2022 = D("58174000")
COMMERCIAL_SERVICE_2022 = [
    ("Driftstöd till dagligvarubutiker i glesbygd", D("3200000")),
    ("Stöd för korrosionsskydd till drivmedelsstationer", D("2155000")),
    ("Hemsändningsbidrag till kommuner", D("1800000")),
    ("Servicebidrag till lanthandlar", D("1400000")),
]
# 50 companies: 12 led by a woman (24 %), 33 by a man (66 %), 5 shared (10 %); the amounts
# keep the same shares.
GENDER_GROUPS = [
    (LeaderGender.WOMAN, 12, D("0.24")),
    (LeaderGender.MAN, 33, D("0.66")),
    (LeaderGender.SHARED, 5, D("0.10")),
]
SUPPORT_KINDS = [
    "Investeringsstöd, besöksnäring",
    "Investeringsstöd, tillverkningsindustri",
    "Innovationsstöd",
    "Investeringsstöd, tjänsteföretag",
    "Konsultcheck",
    "Investeringsstöd, testverksamhet",
    "Investeringsstöd, kulturella och kreativa näringar",
]


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _split(total: Decimal, count: int, seed: int) -> list[Decimal]:
    """``count`` varied amounts in whole thousands that sum exactly to ``total``."""
    weights = [D(3 + (seed * 7 + i * 5) % 9) for i in range(count)]
    scale = total / sum(weights)
    parts = [(w * scale / 1000).quantize(D("1"), ROUND_HALF_UP) * 1000 for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def _grants(controller, stdout):
    for year, spec in GRANTS.items():
        if Grant.objects.filter(year=year).exists():
            continue
        services.grant_create(
            user=controller,
            year=year,
            amount=spec["amount"],
            decision_reference=spec["decision_reference"],
            note=spec["note"],
            allocations=spec["allocations"],
        )
        stdout.write(f"  financing: anslag 1:1 {year} registered")


def _plans(officer, controller, stdout):
    organisations = {o.name: o for o in Organisation.objects.all()}
    created = 0
    for seed in all_seed_cases():
        project = Project.objects.filter(title=seed["project_title"]).first()
        case = Case.objects.filter(year=seed["year"], number=seed["number"]).first()
        if project is None or case is None:
            continue
        plan = FinancingPlan.objects.filter(project=project).first()
        case_officer = case.officer or officer
        if plan is None:
            rows = [
                {
                    "financier": organisations[row["financier"]],
                    "funding_type": row["funding_type"],
                    "amount_applied": row["amount"],
                    "in_kind": row["in_kind"],
                }
                for row in seed["financing"]
            ]
            plan = services.financing_plan_save(
                user=case_officer, project=project, stated_total=seed["total_budget"], rows=rows
            )
            created += 1
        if plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            plan = services.financing_plan_submit(user=case_officer, plan=plan)
        if plan.status == PlanStatus.SUBMITTED:
            services.financing_plan_approve(
                user=controller,
                plan=plan,
                comment="Budgeten är kontrollerad mot ansökan i NYPS.",
            )
    stdout.write(f"  financing: {created} financing plans created and approved")


def _ensure_rules() -> None:
    """The default rules the data migrations create (again after a test's flush)."""
    defaults.ensure_defaults(
        funding_type=FundingType, policy=FinancingPolicy, delegation_rule=DelegationRule
    )


@transaction.atomic
def load_before_decisions(stdout) -> None:
    _ensure_rules()
    controller = _user("controller")
    officer = _user("handlaggare")
    if controller is None or officer is None:
        stdout.write("  financing: demo users missing, run the projects stage first")
        return
    _grants(controller, stdout)
    _plans(officer, controller, stdout)


def _payments_2020(controller, stdout):
    if Payment.objects.filter(commitment__grant__year=2020).exists():
        return  # loaded before
    commitments = list(
        Commitment.objects.filter(grant__year=2020, case__isnull=False, payments__isnull=True)
        .select_related("case__project")
        .order_by("case__number")
    )
    if not commitments and not Commitment.objects.filter(grant__year=2020).exists():
        stdout.write("  financing: no 2020 commitments yet (RUN decisions not loaded); no payments")
        return
    count = 0
    for index, commitment in enumerate(commitments[:5]):
        case = commitment.case
        decided = commitment.committed_on
        if index % 2 == 0:
            # An advance (förskott) at the start, within the payment policy.
            payments.payment_register(
                user=controller,
                case=case,
                kind=PaymentKind.ADVANCE,
                paid_on=decided + datetime.timedelta(days=21),
                amount=min(
                    (commitment.amount * D("0.2")).quantize(D("1"), ROUND_HALF_UP), D("300000")
                ),
                reason="Projektägaren saknar likviditet för att starta projektet.",
            )
            count += 1
        # Requisitions in arrears (rekvisitioner) for the year's periods.
        period_start = decided
        for n in range(2 if index % 2 == 0 else 1):
            period_end = min(
                period_start + datetime.timedelta(days=91), datetime.date(2020, 11, 30)
            )
            if period_end <= period_start:
                break
            costs = (commitment.amount * D("0.5")).quantize(D("1"), ROUND_HALF_UP)
            requested = (commitment.amount * D("0.2")).quantize(D("1"), ROUND_HALF_UP)
            requisition = payments.requisition_record(
                user=controller,
                case=case,
                reference=f"Rekvisition {n + 1}",
                received_on=period_end + datetime.timedelta(days=7),
                period_start=period_start,
                period_end=period_end,
                costs_reported=costs,
                amount_requested=requested,
            )
            payments.payment_register(
                user=controller,
                case=case,
                kind=PaymentKind.ARREARS,
                paid_on=period_end + datetime.timedelta(days=21),
                amount=requested,
                requisition=requisition,
            )
            count += 1
            period_start = period_end + datetime.timedelta(days=1)
    # A conditional grant: nothing is paid before the EU programme approves the project.
    for commitment in commitments[5:6]:
        payments.condition_add(
            user=controller,
            case=commitment.case,
            text="Att Europeiska regionala utvecklingsfonden (ERUF) beviljar projektet.",
            set_on=commitment.committed_on,
            reference=commitment.reference,
        )
    stdout.write(f"  financing: {count} payments on 2020 commitments")


def _project_case_2022(officer, title, aims, decided) -> Case | None:
    """The project and case of an older project decision recorded as a commitment (the
    report counts the year's granted projects by main aim through them)."""
    from projects import services as project_services
    from projects.models import CaseKind, ProjectAim

    if officer is None:
        return None
    project = project_services.project_create(
        user=officer,
        title=title,
        main_aims=list(ProjectAim.objects.filter(reported_as__in=aims)),
        start_date=decided,
    )
    return project_services.case_register(
        user=officer,
        kind=CaseKind.CO_FINANCING,
        title=f"Medfinansiering av {title}",
        project=project,
        registered_on=decided - datetime.timedelta(days=40),
        received_on=decided - datetime.timedelta(days=40),
    )


def _commitments_2022(controller, stdout):
    if Commitment.objects.filter(grant__year=2022).exists():
        return
    day = datetime.date(2022, 2, 1)
    officer = _user("handlaggare")
    for index, (priority, title, amount) in enumerate(PROJECTS_2022):
        decided = day + datetime.timedelta(days=19 * index)
        case = _project_case_2022(officer, title, AIMS_2022.get(index, ()), decided)
        services.commitment_record(
            user=controller,
            year=2022,
            category=GrantCategory.PROJECT,
            priority=priority,
            amount=amount,
            committed_on=decided,
            case=case,
            description=f"Medfinansiering: {title}",
            reference=f"RUN 2022 beslut {index + 1}",
        )
    number = 0
    for gender, count, share in GENDER_GROUPS:
        total = (BUSINESS_SUPPORT_2022 * share).quantize(D("1"))
        for amount in _split(total, count, seed=count):
            number += 1
            services.commitment_record(
                user=controller,
                year=2022,
                category=GrantCategory.BUSINESS_SUPPORT,
                amount=amount,
                committed_on=datetime.date(2022, 1, 10) + datetime.timedelta(days=6 * number),
                company_leader_gender=gender,
                description=f"{SUPPORT_KINDS[number % len(SUPPORT_KINDS)]} (företag {number})",
                reference=f"Delegationsbeslut FS-2022-{number:03d}",
            )
    for index, (title, amount) in enumerate(COMMERCIAL_SERVICE_2022):
        services.commitment_record(
            user=controller,
            year=2022,
            category=GrantCategory.COMMERCIAL_SERVICE,
            amount=amount,
            committed_on=datetime.date(2022, 3, 15) + datetime.timedelta(days=60 * index),
            description=title,
            reference=f"Delegationsbeslut KS-2022-{index + 1:03d}",
        )
    stdout.write(
        f"  financing: {Commitment.objects.filter(grant__year=2022).count()} commitments 2022"
    )


@transaction.atomic
def load_decisions(stdout) -> None:
    """The decisions' demo (workflow, then RUN 2020-03-24), fired through this app's
    decision services so that RUN's grants commit money and RUN needs approved plans."""
    _ensure_rules()
    workflow_demo.load(stdout, fire=decisions.case_transition)
    meetings_demo.load(stdout, record=decisions.paragraph_record_decision)


def load(stdout) -> None:
    controller = _user("controller")
    if controller is None:
        stdout.write("  financing: demo users missing, run the projects stage first")
        return
    if not Grant.objects.exists():
        load_before_decisions(stdout)
    _payments_2020(controller, stdout)
    _commitments_2022(controller, stdout)
    _business_support_2022(controller, stdout)


NYPS_EXPORT_2022 = Path(__file__).parent / "demo_data" / "nyps-foretagsstod-2022.csv"


def _business_support_2022(controller, stdout):
    """Import the shipped NYPS 2020 export of 2022 through the import service (as a user)."""
    from financing.services import business_support

    if BusinessSupportImport.objects.filter(year=2022).exists():
        return
    content = NYPS_EXPORT_2022.read_bytes()
    preview = business_support.export_preview(
        user=controller, year=2022, content=content, filename=NYPS_EXPORT_2022.name
    )
    business_support.business_support_import(
        user=controller, year=2022, sha256=preview.sha256, filename=NYPS_EXPORT_2022.name
    )
    stdout.write(f"  financing: {len(preview.rows)} business-support decisions of 2022 (NYPS)")
