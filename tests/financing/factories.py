"""Factories of the financing app: the anslag 1:1 of a year, commitments, payments and
releases as plain rows (``GrantFactory`` ...: figures and pages that read them), and
builders that go through the services where the rules matter (``make_grant`` with its
allocation plan, ``make_plan`` moved on to submitted/approved/returned)."""

import datetime
from decimal import Decimal

import factory

from core.roles import Role
from financing import services
from financing.models import (
    AllocationDimension,
    BusinessSupport,
    Commitment,
    Grant,
    GrantCategory,
    LeaderGender,
    Payment,
    Release,
    SupportDecision,
)
from projects.models import Organisation, ReportPriority
from projects.seed_cases import LIFE_SCIENCE_CASE, SEED_CASES
from tests.core.factories import user_with_role
from tests.projects.factories import OrganisationFactory

D = Decimal


def money_user():
    """The controller who records the rows the factories write."""
    return user_with_role(Role.CONTROLLER, username="money-controller")


class MoneyFactory(factory.django.DjangoModelFactory):
    """Amounts may be given as strings ("1000000"); the object holds a Decimal."""

    class Meta:
        abstract = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if "amount" in kwargs:
            kwargs["amount"] = D(kwargs["amount"])
        return kwargs


class GrantFactory(MoneyFactory):
    """The anslag 1:1 of ``year`` (the existing one if the year has one), no allocations."""

    class Meta:
        model = Grant
        django_get_or_create = ("year",)

    year = 2020
    amount = D("200000000")


class CommitmentFactory(MoneyFactory):
    """A commitment against the anslag of ``year`` (made when missing), written directly:
    the commitment services have tests of their own. Business support is led by a man
    unless ``gender`` says otherwise."""

    class Meta:
        model = Commitment

    class Params:
        year = 2020
        gender = None

    grant = factory.LazyAttribute(lambda o: GrantFactory(year=o.year))
    category = GrantCategory.PROJECT
    priority = "innovation"
    amount = D("100000")
    committed_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 3, 1))
    company_leader_gender = factory.LazyAttribute(
        lambda o: o.gender or ("man" if o.category == GrantCategory.BUSINESS_SUPPORT else None)
    )
    description = ""
    created_by = factory.LazyFunction(money_user)


class PaymentFactory(MoneyFactory):
    """A payment of a commitment for the month up to ``paid_on``."""

    class Meta:
        model = Payment

    commitment = factory.SubFactory(CommitmentFactory)
    amount = D("10000")
    paid_on = datetime.date(2020, 6, 1)
    period_start = factory.LazyAttribute(lambda o: o.paid_on.replace(day=1))
    period_end = factory.SelfAttribute("paid_on")
    created_by = factory.LazyFunction(money_user)


class ReleaseFactory(MoneyFactory):
    class Meta:
        model = Release

    commitment = factory.SubFactory(CommitmentFactory)
    amount = D("10000")
    released_on = datetime.date(2020, 12, 1)
    reason = "Projektet avslutat under budget"
    created_by = factory.LazyFunction(money_user)


def allocations(project=None, business=None, commercial=None, **priorities) -> dict:
    out = {}
    for key, value in (
        (GrantCategory.PROJECT, project),
        (GrantCategory.BUSINESS_SUPPORT, business),
        (GrantCategory.COMMERCIAL_SERVICE, commercial),
    ):
        if value is not None:
            out[AllocationDimension.CATEGORY, key] = D(value)
    for key, value in priorities.items():
        out[AllocationDimension.PRIORITY, ReportPriority(key)] = D(value)
    return out


def make_grant(*, year=2020, amount="150000000", controller=None, **alloc) -> Grant:
    controller = controller or user_with_role(Role.CONTROLLER)
    return services.grant_create(
        user=controller, year=year, amount=D(amount), allocations=allocations(**alloc)
    )


def seed_rows(seed: dict) -> list[dict]:
    """The seed's financing rows with organisations (created on demand)."""
    rows = []
    for row in seed["financing"]:
        org = Organisation.objects.filter(name=row["financier"]).first() or OrganisationFactory(
            name=row["financier"]
        )
        rows.append(
            {
                "financier": org,
                "funding_type": row["funding_type"],
                "amount_applied": row["amount"],
                "in_kind": row["in_kind"],
            }
        )
    return rows


SEED_002 = LIFE_SCIENCE_CASE
SEED_001_36 = next(seed for seed in SEED_CASES if seed["paragraph"] == 36)


def make_plan(case, *, rows=None, stated_total=None, status="draft", controller=None):
    """A plan for the case's project, optionally moved on to submitted/approved."""
    if rows is None:
        org = OrganisationFactory()
        region = Organisation.objects.filter(name="Region Norrbotten").first() or (
            OrganisationFactory(name="Region Norrbotten")
        )
        rows = [
            {"financier": region, "funding_type": "region_1_1", "amount_applied": D("400000")},
            {"financier": org, "funding_type": "eruf", "amount_applied": D("600000")},
        ]
    total = stated_total if stated_total is not None else sum(r["amount_applied"] for r in rows)
    plan = services.financing_plan_save(
        user=case.officer, project=case.project, stated_total=total, rows=rows
    )
    if status in ("submitted", "approved", "returned"):
        plan = services.financing_plan_submit(user=case.officer, plan=plan)
    if status == "approved":
        plan = services.financing_plan_approve(
            user=controller or user_with_role(Role.CONTROLLER), plan=plan, comment="OK"
        )
    if status == "returned":
        plan = services.financing_plan_return(
            user=controller or user_with_role(Role.CONTROLLER), plan=plan, comment="Komplettera"
        )
    return plan


def plan_rows(plan, **values) -> list[dict]:
    """The plan's rows as the service and the form take them (with their ids); ``values``
    replace fields in every row."""
    return [
        {
            "id": r.pk,
            "financier": r.financier,
            "funding_type": r.funding_type_id,
            "amount_applied": r.amount_applied,
            **values,
        }
        for r in plan.rows.all()
    ]


def org_number(n: int) -> str:
    """A valid Swedish organisation number (Luhn check digit) made from ``n``."""
    nine = f"55{n % 10_000_000:07d}"
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    digits = nine + str((10 - total % 10) % 10)
    return f"{digits[:6]}-{digits[6:]}"


class BusinessSupportFactory(factory.django.DjangoModelFactory):
    """An application for business support as imported from NYPS 2020 (a plain row: the
    import has tests of its own). ``decision="granted"`` gets an amount and a date."""

    class Meta:
        model = BusinessSupport

    application_id = factory.Sequence(lambda n: f"2022{5000 + n}")
    category = GrantCategory.BUSINESS_SUPPORT
    support_type = "Regionalt investeringsstöd"
    received_on = datetime.date(2022, 3, 1)
    decision = SupportDecision.GRANTED
    decided_on = factory.LazyAttribute(
        lambda o: datetime.date(o.received_on.year, 5, 1) if o.decision else None
    )
    amount = factory.LazyAttribute(
        lambda o: D("400000") if o.decision == SupportDecision.GRANTED else None
    )
    company_name = factory.Sequence(lambda n: f"Företag {n} AB")
    org_number = factory.Sequence(org_number)
    leader_gender = LeaderGender.MAN
    updated_by = factory.LazyFunction(money_user)
